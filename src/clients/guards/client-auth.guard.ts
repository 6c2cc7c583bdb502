import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ClientEntity } from '../entities/client.entity';
import { ClientAuthenticationService } from '../client-authentication.service';

export type ClientAuthenticatedRequest = FastifyRequest & { client: ClientEntity };

/** Authenticates the calling client (throws InvalidClientError) and attaches it as `request.client`. */
@Injectable()
export class ClientAuthGuard implements CanActivate {
  constructor(private readonly authentication: ClientAuthenticationService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<ClientAuthenticatedRequest>();
    request.client = await this.authentication.authenticate({
      authorization: request.headers.authorization,
      body: (request.body ?? {}) as Record<string, unknown>,
      query: (request.query ?? {}) as Record<string, unknown>,
    });
    return true;
  }
}
