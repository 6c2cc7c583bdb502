import { CanActivate, ExecutionContext, Injectable, NotFoundException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { FastifyRequest } from 'fastify';
import { ProviderEnvironment } from '../config/environment';

/** With DYNAMIC_REGISTRATION=off the registration routes answer as a path that does not exist. */
@Injectable()
export class RegistrationEnabledGuard implements CanActivate {
  private readonly enabled: boolean;

  constructor(config: ConfigService<ProviderEnvironment, true>) {
    this.enabled = config.get('DYNAMIC_REGISTRATION', { infer: true }) !== 'off';
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.enabled) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    // The words of Nest's own answer to a path no route matches.
    throw new NotFoundException(`Cannot ${request.method} ${request.url}`);
  }
}
