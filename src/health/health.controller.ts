import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';

/**
 * Health for operators and orchestrators. Each answers 200 `{"status": "ok", ...}`,
 * or 503 `temporarily_unavailable` when a check fails.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
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

  /** Readiness: the database answers, so requests can be served; send traffic only while it does. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([() => this.db.pingCheck('database', { timeout: 2000 })]);
  }
}
