import '@fastify/view';
import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TooManyRequestsError } from '../common/oauth/oauth.error';
import { BrowserSession } from './browser-session';
import { LoginFailedError } from './login-failed.error';
import { LoginService } from './login.service';

/**
 * A failed sign-in shows the login page again, with one message that does not say which part was wrong;
 * so does a sign-in refused for now (too many attempts), with 429 and how long to wait.
 */
@Catch(LoginFailedError, TooManyRequestsError)
export class LoginPageFilter implements ExceptionFilter {
  constructor(
    private readonly login: LoginService,
    private readonly session: BrowserSession,
  ) {}

  catch(error: LoginFailedError | TooManyRequestsError, host: ArgumentsHost) {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (error instanceof TooManyRequestsError) reply.status(429).header('Retry-After', String(error.retryAfter));
    else reply.status(401);
    return reply.view(
      'login',
      this.session.withCsrfToken(request, this.login.loginPage(body.return_to, error.message)),
    );
  }
}
