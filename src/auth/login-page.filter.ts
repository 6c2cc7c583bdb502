import '@fastify/view';
import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LoginFailedError } from './login-failed.error';
import { LoginService } from './login.service';

/** A failed sign-in shows the login page again, with one message that does not say which part was wrong. */
@Catch(LoginFailedError)
export class LoginPageFilter implements ExceptionFilter {
  constructor(private readonly login: LoginService) {}

  catch(error: LoginFailedError, host: ArgumentsHost) {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = (request.body ?? {}) as Record<string, unknown>;
    return reply.status(401).view('login', this.login.loginPage(request.session, body.return_to, error.message));
  }
}
