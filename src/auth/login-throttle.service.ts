import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { ProviderEnvironment } from '../config/environment';
import { TransactionsService } from '../database/transactions.service';
import { RateLimits } from '../rate-limit/rate-limits';
import { LoginAttemptEntity } from './login-attempt.entity';
import { usernameKey } from './username-key';

/**
 * A username's attempts are forgotten after a day without any: old failures stop counting, back-offs
 * start short again. RetentionService deletes the rows then.
 */
export const FORGET_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * Per-username back-off on failed sign-ins (SECURITY.md 23).
 *
 * Every attempt first takes one of the username's allowed attempts with one conditional UPDATE
 * and only then has the password checked: N parallel guesses take N, and at most
 * LOGIN_BACKOFF_AFTER of them reach the password hash. When they are used up, the username
 * waits LOGIN_BACKOFF_DELAY seconds, twice as long after each further back-off, never longer
 * than LOGIN_BACKOFF_MAX_DELAY: guessing is slowed and nobody is locked out for good. A success
 * forgets the username's failures. The counts live in the database, shared by all instances; each
 * statement counts on its own (autocommit), through TransactionsService, which runs it again when a
 * database cluster refuses it for a conflict with the same username's count on another node.
 *
 * Nothing here depends on whether the username exists: unknown usernames are counted, backed off
 * and refused exactly like known ones. A refused attempt checks no password, for either: its answer
 * cannot depend on the password, so the hash would only spend CPU for whoever keeps guessing.
 */
@Injectable()
export class LoginThrottleService {
  private readonly allowed: number;
  private readonly firstDelay: number;
  private readonly maxDelay: number;

  constructor(
    @InjectRepository(LoginAttemptEntity) private readonly attempts: Repository<LoginAttemptEntity>,
    private readonly transactions: TransactionsService,
    config: ConfigService<ProviderEnvironment, true>,
    private readonly limits: RateLimits,
  ) {
    this.allowed = config.get('LOGIN_BACKOFF_AFTER', { infer: true });
    this.firstDelay = config.get('LOGIN_BACKOFF_DELAY', { infer: true });
    this.maxDelay = config.get('LOGIN_BACKOFF_MAX_DELAY', { infer: true });
  }

  /**
   * Checks a sign-in for `username` with `verify`, unless the username must wait.
   * Returns what `verify` found; throws TooManyRequestsError while the username waits,
   * and when this failure starts a back-off.
   */
  async attempt<T>(username: unknown, verify: () => Promise<T | null>): Promise<T | null> {
    // A field sent twice arrives as an array: no account can match it, so there is nothing to guess.
    if (typeof username !== 'string') return verify();
    const key = usernameKey(username);
    await this.claim(key);
    const user = await verify();
    if (user) {
      await this.transactions.write((manager) => manager.delete(LoginAttemptEntity, { usernameKey: key }));
      return user;
    }
    const wait = await this.backOff(key);
    if (wait > 0) throw this.refusal(wait);
    return null;
  }

  /** Takes one of the username's allowed attempts, or refuses with the time left to wait. */
  private async claim(key: string): Promise<void> {
    const now = new Date();
    await this.transactions.write((manager) =>
      this.query(manager)
        .insert()
        .values({ usernameKey: key, failures: 0, backOffs: 0, blockedUntil: null, lastAttemptAt: now })
        .orIgnore()
        .execute(),
    );
    const { affected } = await this.transactions.write((manager) =>
      this.query(manager)
        .update()
        .set({ failures: () => 'failures + 1', lastAttemptAt: now })
        .where('username_key = :key', { key })
        .andWhere('failures < :allowed', { allowed: this.allowed })
        .andWhere('(blocked_until IS NULL OR blocked_until <= :now)', { now })
        .execute(),
    );
    if (affected) return;
    // Used up: a back-off is running, or starts now (also when the attempt that should have started it never finished).
    const wait = await this.backOff(key, now);
    if (wait > 0) throw this.refusal(wait);
    // Nothing to wait for: a concurrent success forgot the username between the INSERT and the UPDATE.
    return this.claim(key);
  }

  /**
   * Starts the back-off the username's counted failures call for, unless one is running.
   * Returns the seconds left to wait; 0 when the username may try again now.
   */
  private async backOff(key: string, now = new Date()): Promise<number> {
    const row = await this.attempts.findOneBy({ usernameKey: key });
    if (!row) return 0;
    if (row.blockedUntil && row.blockedUntil > now) return secondsUntil(row.blockedUntil, now);
    if (row.failures < this.allowed) return 0;
    const seconds = Math.min(this.maxDelay, this.firstDelay * 2 ** row.backOffs);
    // Conditional: of the attempts that find the failures used up at once, exactly one starts the back-off.
    const { affected } = await this.transactions.write((manager) =>
      this.query(manager)
        .update()
        .set({ failures: 0, backOffs: () => 'back_offs + 1', blockedUntil: new Date(now.getTime() + seconds * 1000) })
        .where('username_key = :key', { key })
        .andWhere('failures >= :allowed', { allowed: this.allowed })
        .andWhere('(blocked_until IS NULL OR blocked_until <= :now)', { now })
        .execute(),
    );
    return affected ? seconds : this.backOff(key, now);
  }

  /** The same for every username, known or not, and true whatever password was typed. */
  private refusal(seconds: number) {
    return this.limits.refuse('username-backoff', 'Too many failed sign-ins for this username', seconds);
  }

  private query(manager: EntityManager) {
    return manager.createQueryBuilder(LoginAttemptEntity, 'attempt');
  }
}

function secondsUntil(until: Date, now: Date): number {
  return Math.ceil((until.getTime() - now.getTime()) / 1000);
}
