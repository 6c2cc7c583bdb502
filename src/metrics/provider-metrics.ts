import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { ProviderEnvironment } from '../config/environment';
import { HttpMetrics } from './http.metrics';
import { RateLimitMetrics } from './rate-limit.metrics';
import { RetentionMetrics } from './retention.metrics';
import { SignInMetrics } from './sign-in.metrics';
import { SigningKeyMetrics } from './signing-key.metrics';
import { TokenMetrics } from './token.metrics';

/**
 * The provider's metrics, in one registry per application: the features report what happens
 * through the members below (in-memory counters, cheap whether anyone scrapes them or not), and
 * the metrics listener (metrics-listener.ts) serves the registry when METRICS_PORT is set. Only
 * then are Node's own metrics (event-loop lag, heap, GC: prom-client's defaults) collected too.
 */
@Injectable()
export class ProviderMetrics {
  readonly registry = new Registry();
  readonly http = new HttpMetrics(this.registry);
  readonly tokens = new TokenMetrics(this.registry);
  readonly signIns = new SignInMetrics(this.registry);
  readonly rateLimits = new RateLimitMetrics(this.registry);
  readonly retention = new RetentionMetrics(this.registry);
  readonly signingKeys = new SigningKeyMetrics(this.registry);

  constructor(config: ConfigService<ProviderEnvironment, true>) {
    if (config.get('METRICS_PORT', { infer: true }) !== undefined) collectDefaultMetrics({ register: this.registry });
  }
}
