import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AuditOrigin } from '../audit/audit-event-types';

/** The administrator using the console, as ConsoleAdminGuard found them. */
export interface ConsoleAdminUser {
  id: string;
  username: string;
  /** When they last entered their password (epoch seconds): the session's `authTime`. */
  authTime: number;
  /** Who acts, for the audit trail: the administrator, from the browser's address. */
  origin: AuditOrigin;
}

declare module 'fastify' {
  interface FastifyRequest {
    consoleAdmin?: ConsoleAdminUser;
  }
}

/** The console's administrator (behind ConsoleAdminGuard). */
export const ConsoleAdmin = createParamDecorator(
  (_: unknown, context: ExecutionContext): ConsoleAdminUser =>
    context.switchToHttp().getRequest<FastifyRequest>().consoleAdmin!,
);
