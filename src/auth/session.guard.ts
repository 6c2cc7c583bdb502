import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { LoginRequiredError } from '../common/http/login-required.error';
import { SessionUser } from './session.types';

/** Lets a request through only with a signed-in session, and attaches the user as `request.user`. */
@Injectable()
export class SessionGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: SessionUser }>();
    const user = sessionUser(request);
    if (!user) throw new LoginRequiredError();
    request.user = user;
    return true;
  }
}

export function sessionUser(request: FastifyRequest): SessionUser | undefined {
  const { userId, authTime } = request.session;
  return userId && authTime ? { id: userId, authTime } : undefined;
}
