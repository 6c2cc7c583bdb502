import { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';

/** How often keys whose window has emptied are forgotten. */
const SWEEP_INTERVAL_MS = 60_000;

/** The expiry times of the requests one key has in its window, oldest first. */
class Window {
  private expiries: number[] = [];
  private head = 0;

  get size(): number {
    return this.expiries.length - this.head;
  }

  get oldest(): number {
    return this.expiries[this.head];
  }

  get newest(): number {
    return this.expiries[this.expiries.length - 1];
  }

  /** Drops the requests that have left the window; the array is compacted once half of it is spent. */
  prune(now: number): void {
    while (this.head < this.expiries.length && this.expiries[this.head] <= now) this.head++;
    if (this.head > 64 && this.head * 2 > this.expiries.length) {
      this.expiries = this.expiries.slice(this.head);
      this.head = 0;
    }
  }

  push(expiry: number): void {
    this.expiries.push(expiry);
  }
}

/**
 * The request counters of the rate limits: an exact sliding window per key, like the library's
 * own storage, at a constant cost per request. (The library's copies and scans every request in
 * the window on every request: at 600 a minute, 600 timestamps each time.) A key over its limit
 * is refused without being counted, and may go on once its oldest counted request leaves the
 * window; RateLimitModule sets no longer block (blockDuration 0), so that argument is not used.
 * Counted in this instance's memory.
 */
export class SlidingWindowStorage implements ThrottlerStorage {
  private readonly windows = new Map<string, Window>();
  private nextSweep = Date.now() + SWEEP_INTERVAL_MS;

  increment(key: string, ttl: number, limit: number): Promise<ThrottlerStorageRecord> {
    const now = Date.now();
    if (now >= this.nextSweep) this.sweep(now);
    let window = this.windows.get(key);
    if (!window) this.windows.set(key, (window = new Window()));
    window.prune(now);
    const isBlocked = window.size >= limit;
    if (!isBlocked) window.push(now + ttl);
    return Promise.resolve({
      totalHits: window.size + (isBlocked ? 1 : 0),
      timeToExpire: Math.ceil((window.newest - now) / 1000),
      isBlocked,
      timeToBlockExpire: isBlocked ? Math.ceil((window.oldest - now) / 1000) : 0,
    });
  }

  /** Forgets the keys that have not been seen for a whole window. */
  private sweep(now: number): void {
    this.nextSweep = now + SWEEP_INTERVAL_MS;
    for (const [key, window] of this.windows) {
      window.prune(now);
      if (window.size === 0) this.windows.delete(key);
    }
  }
}
