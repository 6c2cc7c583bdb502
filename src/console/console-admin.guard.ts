import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { sessionUser } from '../auth/browser-session';
import { LoginRequiredError } from '../common/http/login-required.error';
import { UsersService } from '../users/users.service';

/**
 * The console is for enabled administrators only: nobody signed in is sent to the login page
 * (and back here after), anyone else signed in is refused (403). The user is read afresh at every
 * request, so a role taken or an account disabled counts at once.
 */
@Injectable()
export class ConsoleAdminGuard implements CanActivate {
  constructor(private readonly users: UsersService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const signedIn = sessionUser(request);
    if (!signedIn) throw new LoginRequiredError(request.method === 'GET' ? request.url : '/console');
    const user = await this.users.findById(signedIn.id);
    if (!user?.isAdmin || user.disabledAt) {
      throw new ForbiddenException('The admin console is for administrators only.');
    }
    request.consoleAdmin = {
      id: user.id,
      username: user.username,
      authTime: signedIn.authTime,
      origin: { actor: `user:${user.id}`, userId: user.id, ip: request.ip },
    };
    return true;
  }
}
