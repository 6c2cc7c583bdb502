import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { InvalidClientError } from '../../common/oauth/oauth.error';
import { addressKey } from '../../rate-limit/address-key';
import { RateLimits } from '../../rate-limit/rate-limits';
import { ClientEntity } from '../entities/client.entity';
import { ClientAuthenticationService } from '../client-authentication.service';

export type ClientAuthenticatedRequest = FastifyRequest & { client: ClientEntity };

/**
 * Authenticates the calling client (throws InvalidClientError) and attaches it as `request.client`.
 *
 * Rate limits (RateLimits): an address that has failed client authentication too often is refused
 * before its credentials are checked, which stops guessing of client secrets; an authenticated
 * client is counted per client, not per address, so a partner's backend is never refused for the
 * traffic of its neighbours behind one address. A public client proves nothing by its client_id,
 * which anyone may send: it is counted per client and address, so nobody can spend its budget for it.
 */
@Injectable()
export class ClientAuthGuard implements CanActivate {
  constructor(
    private readonly authentication: ClientAuthenticationService,
    private readonly limits: RateLimits,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<ClientAuthenticatedRequest>();
    const address = addressKey(request.ip);
    const wait = await this.limits.clientAuthFailures.wait(address);
    if (wait) {
      throw this.limits.refuse(
        'client-auth-failures',
        'Too many failed client authentications from your network',
        wait,
      );
    }
    try {
      request.client = await this.authentication.authenticate({
        authorization: request.headers.authorization,
        body: (request.body ?? {}) as Record<string, unknown>,
        query: (request.query ?? {}) as Record<string, unknown>,
      });
    } catch (error) {
      if (error instanceof InvalidClientError) await this.limits.clientAuthFailures.spend(address);
      throw error;
    }
    const { clientId, isPublic } = request.client;
    const over = await this.limits.clientRequests.spend(isPublic ? `${clientId} ${address}` : clientId);
    if (over) throw this.limits.refuse('client-requests', 'Too many requests for this client', over);
    return true;
  }
}
