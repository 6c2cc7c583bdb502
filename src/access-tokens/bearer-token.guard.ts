import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { bearerCredential } from '../common/http/bearer-credential';
import { InsufficientScopeError, InvalidTokenError } from '../common/oauth/oauth.error';
import { AccessTokenClaims } from './access-token.claims';
import { AccessTokensService } from './access-tokens.service';
import { REQUIRED_SCOPE } from './require-scope.decorator';

export type BearerRequest = FastifyRequest & { accessToken: AccessTokenClaims };

/** RFC 6750: a valid access token of this provider in the Authorization header, with the route's scope. */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  constructor(
    private readonly tokens: AccessTokensService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<BearerRequest>();
    const token = bearerCredential(request.headers.authorization);
    if (!token) {
      throw new InvalidTokenError('a bearer access token is required', undefined, {
        tokenMissing: !request.headers.authorization,
      });
    }
    request.accessToken = await this.tokens.verify(token);

    const required = this.reflector.getAllAndOverride<string | undefined>(REQUIRED_SCOPE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (required && !request.accessToken.scope.split(' ').includes(required)) {
      throw new InsufficientScopeError(`the access token lacks the "${required}" scope`);
    }
    return true;
  }
}
