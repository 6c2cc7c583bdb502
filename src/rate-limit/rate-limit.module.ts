import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ThrottlerModule, ThrottlerOptions } from '@nestjs/throttler';
import { ProviderEnvironment } from '../config/environment';
import { RateLimitGroup } from './rate-limit.guard';
import { SlidingWindowStorage } from './sliding-window.storage';

/**
 * Per-client-address request limits, for the routes that carry LoginRateLimitGuard or
 * OAuthRateLimitGuard; no other route is limited. Counted in each instance's memory
 * (SlidingWindowStorage): the limits hold per instance, and the per-username back-off on
 * failed sign-ins, which must hold across instances, is counted in the database instead
 * (LoginThrottleService).
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<ProviderEnvironment, true>) => {
        const group = (name: RateLimitGroup, limit: number): ThrottlerOptions => ({
          name,
          limit,
          ttl: config.get('RATE_LIMIT_WINDOW', { infer: true }) * 1000,
          // An address over its limit waits until its oldest counted request leaves the window, not a whole extra window.
          blockDuration: 0,
        });
        return {
          throttlers: [
            group('login', config.get('RATE_LIMIT_LOGIN', { infer: true })),
            group('oauth', config.get('RATE_LIMIT_OAUTH', { infer: true })),
          ],
          // One counter per group and address, not per route: token, revocation and introspection share one
          // budget, so spreading guesses of a client secret over the three endpoints gains nothing.
          generateKey: (_context, address, name) => `${name}:${address}`,
          // The library's headers carry the group's name (Retry-After-oauth), which no client understands;
          // the 429 carries the standard Retry-After instead (TooManyRequestsError).
          setHeaders: false,
          storage: new SlidingWindowStorage(),
        };
      },
    }),
  ],
})
export class RateLimitModule {}
