import { ConfigService } from '@nestjs/config';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { TooManyRequestsError } from '../common/oauth/oauth.error';
import { ProviderEnvironment, validateEnvironment } from '../config/environment';
import { dataSourceOptions, openDataSource } from '../database/data-source-options';
import { TransactionsService } from '../database/transactions.service';
import { RateLimitStore } from '../rate-limit/rate-limit-store';
import { RateLimits } from '../rate-limit/rate-limits';
import { inMemoryMetrics } from '../../test/helpers/fakes';
import { LoginAttemptEntity } from './login-attempt.entity';
import { LoginThrottleService } from './login-throttle.service';

// On the test database (in-memory SQLite, or DATABASE_URL's MySQL), with the real migrations.
describe('LoginThrottleService', () => {
  let db: DataSource;
  let throttle: LoginThrottleService;

  beforeAll(async () => {
    db = await openDataSource(dataSourceOptions(process.env.DATABASE_URL ?? 'sqlite::memory:'));
    const config = new ConfigService<ProviderEnvironment, true>(
      validateEnvironment({ ...process.env, LOGIN_BACKOFF_AFTER: '5', LOGIN_BACKOFF_DELAY: '30' }),
    );
    throttle = new LoginThrottleService(
      db.getRepository(LoginAttemptEntity),
      new TransactionsService(db),
      config,
      new RateLimits(new RateLimitStore(config), config, inMemoryMetrics()),
    );
  });
  afterAll(() => db?.destroy());

  const username = () => `user-${randomBytes(6).toString('hex')}`;
  /** A password check that takes a few milliseconds, as a hash does, and finds `result`. */
  const check =
    <T>(result: T) =>
    async () => {
      await sleep(Math.random() * 4);
      return result;
    };

  it('lets every one of concurrent sign-ins with the right password through, within the allowed attempts', async () => {
    const name = username();
    for (let round = 0; round < 50; round++) {
      // Staggered, so that one attempt's success (which forgets the username) meets another's claim.
      const results = await Promise.allSettled(
        Array.from({ length: 4 }, async () => {
          await sleep(Math.random() * 4);
          return throttle.attempt(name, check({ id: name }));
        }),
      );
      expect(results.map((r) => (r.status === 'fulfilled' ? r.value : r.reason))).toEqual(
        Array.from({ length: 4 }, () => ({ id: name })),
      );
    }
  });

  it('backs a username off once its allowed attempts have failed, and a wrong guess then checks no password', async () => {
    const name = username();
    for (let i = 0; i < 4; i++) await expect(throttle.attempt(name, check(null))).resolves.toBeNull();
    await expect(throttle.attempt(name, check(null))).rejects.toBeInstanceOf(TooManyRequestsError);
    const verify = jest.fn(check({ id: name }));
    await expect(throttle.attempt(name, verify)).rejects.toBeInstanceOf(TooManyRequestsError);
    expect(verify).not.toHaveBeenCalled();
  });
});
