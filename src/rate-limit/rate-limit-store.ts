import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Redis } from 'ioredis';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { ProviderEnvironment } from '../config/environment';

/** Where the counters are kept right now, as /health/ready reports it. */
export interface RateLimitStoreStatus {
  /** `redis`: one count for every instance; `memory`: this instance counts alone. */
  store: 'redis' | 'memory';
  /** True while RATE_LIMIT_REDIS_URL is set but Redis cannot be reached. */
  fallback: boolean;
}

/**
 * Where the rate-limit counters live: in Redis when RATE_LIMIT_REDIS_URL is set, so that every
 * instance spends from one budget; otherwise in this process's memory.
 *
 * Redis being away never fails a request: commands are not queued while disconnected
 * (enableOfflineQueue: false) and time out quickly, and each Redis counter has an in-memory twin
 * (rate-limiter-flexible's insuranceLimiter) that counts for this instance meanwhile. ioredis
 * reconnects by itself; the change of store is logged once each way, not once per request.
 */
@Injectable()
export class RateLimitStore implements BeforeApplicationShutdown {
  private readonly logger = new Logger(RateLimitStore.name);
  private readonly redis: Redis | null;
  private reachable = false;
  private fallbackLogged = false;
  private closing = false;

  constructor(config: ConfigService<ProviderEnvironment, true>) {
    const url = config.get('RATE_LIMIT_REDIS_URL', { infer: true });
    this.redis = url ? this.connect(url) : null;
  }

  get status(): RateLimitStoreStatus {
    if (!this.redis) return { store: 'memory', fallback: false };
    return this.reachable ? { store: 'redis', fallback: false } : { store: 'memory', fallback: true };
  }

  /** A fixed-window counter of `points` per `seconds` under `name`, shared through Redis when there is one. */
  counter(name: string, points: number, seconds: number): RateLimiterAbstract {
    const keyPrefix = `rate-limit:${name}`;
    const memory = new RateLimiterMemory({ keyPrefix, points, duration: seconds });
    if (!this.redis) return memory;
    return new RateLimiterRedis({
      storeClient: this.redis,
      keyPrefix,
      points,
      duration: seconds,
      // Straight to the in-memory twin while disconnected, instead of waiting for a command to fail.
      rejectIfRedisNotReady: true,
      insuranceLimiter: memory,
    });
  }

  beforeApplicationShutdown(): void {
    this.closing = true;
    this.redis?.disconnect();
  }

  private connect(url: string): Redis {
    const redis = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // A Redis that hangs counts as away: a request waits for it at most this long.
      commandTimeout: 500,
      connectTimeout: 2000,
      // Reconnect for as long as it takes, at most two seconds apart.
      retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
    });
    redis.on('ready', () => this.onReachable());
    // Listening to 'error' also keeps ioredis from reporting every failed reconnection as unhandled.
    redis.on('error', (error: Error) => this.onUnreachable(error.message));
    redis.on('close', () => this.onUnreachable('connection closed'));
    return redis;
  }

  private onReachable(): void {
    this.reachable = true;
    if (this.fallbackLogged) this.logger.log('Redis is reachable again: rate limits are counted for every instance');
    this.fallbackLogged = false;
  }

  private onUnreachable(reason: string): void {
    this.reachable = false;
    if (this.fallbackLogged || this.closing) return;
    this.fallbackLogged = true;
    this.logger.warn(`Redis is unreachable (${reason}): each instance counts its own rate limits until it is back`);
  }
}
