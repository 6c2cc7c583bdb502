import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { RateLimitStore } from '../rate-limit/rate-limit-store';
import { DatabaseClusterIndicator } from './database-cluster.indicator';

/**
 * Health for operators and orchestrators. Each answers 200 `{"status": "ok", ...}`,
 * or 503 `temporarily_unavailable` when a check fails.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly rateLimitStore: RateLimitStore,
    private readonly cluster: DatabaseClusterIndicator,
  ) {}

  /** The contract's check, liveness and readiness at once: up, and able to reach the database. */
  @Get()
  @HealthCheck()
  check() {
    return this.ready();
  }

  /**
   * Liveness: the process answers. The database is left out on purpose: a provider
   * whose database is down recovers on its own when it comes back, and restarting it
   * would not help.
   */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /**
   * Readiness: the database answers, so requests can be served; send traffic only while it does.
   * Also says where the rate limits are counted (`rate_limit`: store `redis` or `memory`, and
   * `fallback: true` while a configured Redis is unreachable). That is always up: without Redis
   * each instance counts alone and serves on. On a MySQL server, `database_cluster` says whether it
   * is a Galera node and, if so, the node reached, its state and the cluster's size; down while that
   * node is not ready.
   */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.db.pingCheck('database', { timeout: 2000 }),
      ...(this.cluster.applies ? [() => this.cluster.check('database_cluster')] : []),
      () => this.indicators.check('rate_limit').up({ ...this.rateLimitStore.status }),
    ]);
  }
}
