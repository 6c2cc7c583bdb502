import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { CsrfService } from './csrf.service';

/** Refuses a form POST that does not carry this browser's CSRF token in `_csrf`. */
@Injectable()
export class CsrfGuard implements CanActivate {
  constructor(private readonly csrf: CsrfService) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    this.csrf.verify(request.csrfSecret, (request.body as Record<string, unknown> | undefined)?._csrf);
    return true;
  }
}
