import { Global, Module } from '@nestjs/common';
import { RateLimits } from './rate-limits';
import { MetricsModule } from '../metrics/metrics.module';
import { RateLimitStore } from './rate-limit-store';

/**
 * The rate limits (RateLimits) and where they are counted (RateLimitStore). Global: sign-in,
 * client authentication and health each use them, and they depend on no feature.
 */
@Global()
@Module({
  imports: [MetricsModule],
  providers: [RateLimitStore, RateLimits],
  exports: [RateLimitStore, RateLimits],
})
export class RateLimitModule {}
