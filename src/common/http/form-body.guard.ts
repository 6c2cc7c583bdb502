import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { InvalidRequestError } from '../oauth/oauth.error';

/** RFC 6749 §3.2, RFC 7009 §2.1, RFC 7662 §2.1: parameters come form-encoded, never as JSON. */
@Injectable()
export class FormBodyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const type = context.switchToHttp().getRequest<FastifyRequest>().headers['content-type'] ?? '';
    if (type.split(';')[0].trim().toLowerCase() !== 'application/x-www-form-urlencoded') {
      throw new InvalidRequestError('the body must be application/x-www-form-urlencoded');
    }
    return true;
  }
}
