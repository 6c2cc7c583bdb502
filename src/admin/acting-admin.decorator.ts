import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { BearerRequest } from '../access-tokens/bearer-token.guard';
import { AuditOrigin } from '../audit/audit-event-types';

/**
 * Who makes an admin API call, for the audit trail (behind BearerTokenGuard), and from which IP.
 * A token of a grant (`gid`) is the user's, held by a client: the user acts, through the client.
 * A token without one is the client's own (client_credentials): the client acts.
 */
export const ActingAdmin = createParamDecorator((_: unknown, context: ExecutionContext): AuditOrigin => {
  const request = context.switchToHttp().getRequest<BearerRequest>();
  const { sub, client_id, gid } = request.accessToken;
  return gid
    ? { actor: `user:${sub}`, userId: sub, viaClient: client_id, ip: request.ip }
    : { actor: `client:${client_id}`, ip: request.ip };
});
