import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { sessionUser } from '../auth/browser-session';
import { AuthorizationService, SignedInAuthorization } from './authorization.service';

const checked = new WeakMap<FastifyRequest, SignedInAuthorization>();

/**
 * The authorization endpoint's one session check, on the request (GET) and on the consent form
 * (POST): AuthorizationService.signedIn. A guard, so that on POST it comes before the CSRF check,
 * as for every page that needs a signed-in user. Handlers read its result with @SignedIn().
 */
@Injectable()
export class SignedInAuthorizationGuard implements CanActivate {
  constructor(private readonly authorization: AuthorizationService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const params = (request.method === 'GET' ? request.query : request.body) as Record<string, unknown> | undefined;
    checked.set(request, await this.authorization.signedIn(params ?? {}, sessionUser(request)));
    return true;
  }
}

/** The request and user SignedInAuthorizationGuard let through. */
export const SignedIn = createParamDecorator((_: unknown, context: ExecutionContext): SignedInAuthorization =>
  checked.get(context.switchToHttp().getRequest<FastifyRequest>())!,
);
