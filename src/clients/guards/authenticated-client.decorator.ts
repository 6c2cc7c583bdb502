import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ClientEntity } from '../entities/client.entity';
import { ClientAuthenticatedRequest } from './client-auth.guard';

/** The client ClientAuthGuard authenticated. */
export const AuthenticatedClient = createParamDecorator(
  (_: unknown, context: ExecutionContext): ClientEntity =>
    context.switchToHttp().getRequest<ClientAuthenticatedRequest>().client,
);
