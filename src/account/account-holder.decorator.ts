import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { sessionUser } from '../auth/browser-session';
import { sessionRowId } from '../auth/typeorm-session.store';
import { LoginRequiredError } from '../common/http/login-required.error';
import { AccountHolder } from './account.service';

/**
 * The signed-in user of the request, the id their session is shown by (its row's, never the
 * cookie), and their address; nobody signed in: the login page, coming back to the account page.
 */
export function accountHolder(request: FastifyRequest): AccountHolder {
  const user = sessionUser(request);
  if (!user) throw new LoginRequiredError('/account');
  return { userId: user.id, sessionId: sessionRowId(request.session.sessionId), ip: request.ip };
}

/** accountHolder() of the request, for the account page's handlers. */
export const Holder = createParamDecorator((_: unknown, context: ExecutionContext) =>
  accountHolder(context.switchToHttp().getRequest<FastifyRequest>()),
);
