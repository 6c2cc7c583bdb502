import { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * So many events per key in a fixed window (failed sign-ins of an address, requests of a client),
 * counted in the RateLimitStore. Each method answers the seconds the key must wait, 0 when it
 * need not: whoever asks turns that into a refusal with Retry-After.
 */
export class Budget {
  constructor(
    private readonly counter: RateLimiterAbstract,
    private readonly allowed: number,
  ) {}

  /** Whether `key` has spent its budget, without spending. */
  async wait(key: string): Promise<number> {
    const res = await this.counter.get(key);
    return res && res.consumedPoints >= this.allowed ? seconds(res) : 0;
  }

  /** Spends one; non-zero when there was nothing left to spend. */
  async spend(key: string): Promise<number> {
    try {
      await this.counter.consume(key);
      return 0;
    } catch (refused) {
      if (refused instanceof RateLimiterRes) return seconds(refused);
      throw refused;
    }
  }

  /** Gives back one spent by spend(): what it was taken for turned out not to count. */
  async refund(key: string): Promise<void> {
    await this.counter.reward(key);
  }
}

function seconds(res: RateLimiterRes): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}
