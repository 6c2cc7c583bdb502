import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { BearerRequest } from '../access-tokens/bearer-token.guard';
import { AuditOrigin } from './audit-event-types';

/** Who makes an admin API call, for the audit trail: the client of the admin token (behind BearerTokenGuard), and its IP. */
export const ActingAdmin = createParamDecorator((_: unknown, context: ExecutionContext): AuditOrigin => {
  const request = context.switchToHttp().getRequest<BearerRequest>();
  return { actor: `client:${request.accessToken.client_id}`, ip: request.ip };
});
