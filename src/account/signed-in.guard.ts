import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { accountHolder } from './account-holder.decorator';

/**
 * Only a signed-in user gets past: a GET goes to the login page and comes back, a POST is refused
 * (401 page). A guard, so that on POST it comes before the CSRF check, as for every page that
 * needs a signed-in user.
 */
@Injectable()
export class SignedInGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    accountHolder(context.switchToHttp().getRequest<FastifyRequest>());
    return true;
  }
}
