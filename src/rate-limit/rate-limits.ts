import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TooManyRequestsError } from '../common/oauth/oauth.error';
import { ProviderEnvironment } from '../config/environment';
import { ProviderMetrics } from '../metrics/provider-metrics';
import { Budget } from './budget';
import { RateLimitStore } from './rate-limit-store';
import { refusal } from './refusal';

/** The limits that refuse requests, by the names their counters and the metrics use; `username-backoff` is LoginThrottleService's. */
export type RateLimitName =
  | 'login-failures'
  | 'device-failures'
  | 'client-auth-failures'
  | 'client-requests'
  | 'registrations'
  | 'username-backoff';

/**
 * Every per-address and per-client budget, each counted in the RateLimitStore (Redis when
 * configured, so one budget for every instance). Failures are counted, not people: a successful
 * sign-in or client authentication never counts against its address.
 */
@Injectable()
export class RateLimits {
  /** Failed sign-ins per client address (addressKey): stops spraying one password over many usernames. */
  readonly loginFailures: Budget;
  /** Failed sign-ins per trusted browser (device cookie): past it, the browser is trusted no more. */
  readonly deviceFailures: Budget;
  /** Failed client authentications per client address at the token, revocation and introspection endpoints. */
  readonly clientAuthFailures: Budget;
  /** Authenticated requests per client at those endpoints: a flood ceiling far above any partner's normal rate. */
  readonly clientRequests: Budget;
  /** Requests to the dynamic registration endpoint per client address and hour (RFC 7591 §3): each may store a client. */
  readonly registrations: Budget;

  constructor(
    store: RateLimitStore,
    config: ConfigService<ProviderEnvironment, true>,
    private readonly metrics: ProviderMetrics,
  ) {
    const failureWindow = config.get('RATE_LIMIT_FAILURE_WINDOW', { infer: true });
    const budget = (name: RateLimitName, allowed: number, seconds: number) =>
      new Budget(store.counter(name, allowed, seconds), allowed);
    this.loginFailures = budget(
      'login-failures',
      config.get('RATE_LIMIT_LOGIN_FAILURES', { infer: true }),
      failureWindow,
    );
    this.deviceFailures = budget(
      'device-failures',
      config.get('LOGIN_DEVICE_FAILURES', { infer: true }),
      failureWindow,
    );
    this.clientAuthFailures = budget(
      'client-auth-failures',
      config.get('RATE_LIMIT_CLIENT_AUTH_FAILURES', { infer: true }),
      failureWindow,
    );
    this.clientRequests = budget(
      'client-requests',
      config.get('RATE_LIMIT_OAUTH', { infer: true }),
      config.get('RATE_LIMIT_WINDOW', { infer: true }),
    );
    this.registrations = budget('registrations', config.get('RATE_LIMIT_REGISTRATIONS', { infer: true }), 3600);
  }

  /** The 429 for a request that `limit` refuses, counted in the metrics under the limit's name. */
  refuse(limit: RateLimitName, reason: string, seconds: number): TooManyRequestsError {
    this.metrics.rateLimits.throttled(limit);
    return refusal(reason, seconds);
  }
}
