import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ProviderEnvironment } from '../config/environment';
import { KeysService } from './keys.service';

/**
 * Scheduled rollover (KEY_ROTATION_INTERVAL): every running instance checks, as often as it reads the
 * keys, whether the keys that sign now are due to be replaced, and stages the next ones when they are.
 * Of several instances due at once, one stages the rollover (KeysService.rollOverIfDue).
 */
@Injectable()
export class KeyRolloverScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(KeyRolloverScheduler.name);
  private readonly intervalMs: number;
  private timer?: NodeJS.Timeout;

  constructor(
    config: ConfigService<ProviderEnvironment, true>,
    private readonly keys: KeysService,
  ) {
    this.intervalMs = config.get('KEY_ROTATION_INTERVAL', { infer: true }) * 1000;
  }

  onApplicationBootstrap(): void {
    if (this.intervalMs === 0) return;
    this.timer = setInterval(() => void this.check(), this.keys.reloadIntervalMs).unref();
    void this.check();
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async check(): Promise<void> {
    try {
      const rotation = await this.keys.rollOverIfDue(this.intervalMs);
      if (rotation) {
        const kids = rotation.keys.map((key) => `${key.alg} ${key.kid}`).join(', ');
        this.logger.log(`staged the scheduled key rollover: ${kids}, signing from ${rotation.activatesAt.toISOString()}`);
      }
    } catch (error) {
      this.logger.warn(`scheduled key rollover: ${(error as Error).message}`);
    }
  }
}
