import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { bearerCredential } from '../common/http/bearer-credential';
import { RegistrationCaller } from './registration.service';

/**
 * The bearer token sent (an initial access token, or a registration access token; '' when the
 * Authorization header is not a well-formed bearer token) and the caller's address.
 */
export const Caller = createParamDecorator((_: unknown, context: ExecutionContext): RegistrationCaller => {
  const request = context.switchToHttp().getRequest<FastifyRequest>();
  const { authorization } = request.headers;
  return { token: authorization === undefined ? undefined : (bearerCredential(authorization) ?? ''), ip: request.ip };
});
