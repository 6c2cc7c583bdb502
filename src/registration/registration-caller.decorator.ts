import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { bearerCredential } from '../common/http/bearer-credential';

/** Who calls the registration endpoints, as far as the request says. */
export interface RegistrationCaller {
  /**
   * The bearer token sent: an initial access token, or a registration access token; '' when the
   * Authorization header is not a well-formed bearer token, undefined when there is none.
   */
  token?: string;
  ip: string;
}

export function registrationCaller(request: FastifyRequest): RegistrationCaller {
  const { authorization } = request.headers;
  return { token: authorization === undefined ? undefined : (bearerCredential(authorization) ?? ''), ip: request.ip };
}

export const Caller = createParamDecorator((_: unknown, context: ExecutionContext): RegistrationCaller =>
  registrationCaller(context.switchToHttp().getRequest<FastifyRequest>()),
);
