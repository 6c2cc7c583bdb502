import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { addressKey } from '../rate-limit/address-key';
import { RateLimits } from '../rate-limit/rate-limits';

/**
 * Every registration request spends from its address's budget, before its token or its metadata
 * is looked at: each one that passes may store a client, and a refused one must not be free to repeat.
 */
@Injectable()
export class RegistrationBudgetGuard implements CanActivate {
  constructor(private readonly limits: RateLimits) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { ip } = context.switchToHttp().getRequest<FastifyRequest>();
    const wait = await this.limits.registrations.spend(addressKey(ip));
    if (wait > 0) throw this.limits.refuse('registrations', 'Too many client registrations from this address', wait);
    return true;
  }
}
