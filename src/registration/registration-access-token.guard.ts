import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ClientsService } from '../clients/clients.service';
import { registrationCaller } from './registration-caller.decorator';

/**
 * RFC 7592 §2: the client configuration endpoint of `:client_id` answers only to that client's
 * registration access token, before anything of the request is read; anything else is 401.
 */
@Injectable()
export class RegistrationAccessTokenGuard implements CanActivate {
  constructor(private readonly clients: ClientsService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest<{ Params: { client_id: string } }>>();
    await this.clients.getSelfRegistered(request.params.client_id, registrationCaller(request).token);
    return true;
  }
}
