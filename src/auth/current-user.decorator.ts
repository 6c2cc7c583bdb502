import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { sessionUser } from './browser-session';
import { SessionUser } from './session.types';

/** The signed-in user, or undefined. */
export const CurrentUser = createParamDecorator((_: unknown, context: ExecutionContext): SessionUser | undefined =>
  sessionUser(context.switchToHttp().getRequest<FastifyRequest>()),
);
