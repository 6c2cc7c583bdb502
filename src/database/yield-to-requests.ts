import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/** Idle time of the event loop, as a multiple of the work's time, that passes before more work. */
const IDLE_PER_WORK = 3;
/**
 * The longest pause, whatever the load: on a saturated instance, background work still goes on, a
 * piece a second.
 */
export const LONGEST_PAUSE_MS = 1000;

/**
 * The pause after a piece of background work that took `workMs` on the event loop (a batch of
 * deletes: better-sqlite3 is synchronous, and every request that arrives meanwhile waits for it):
 * until the loop has been idle IDLE_PER_WORK times as long, or LONGEST_PAUSE_MS. On an idle
 * instance the work goes on with three quarters of the time left over; under load the pauses
 * stretch, so that the work takes a quarter of the time the loop would otherwise spend idle
 * rather than a quarter of all of it.
 */
export async function yieldToRequests(workMs: number): Promise<void> {
  const owed = workMs * IDLE_PER_WORK;
  const since = performance.eventLoopUtilization();
  const started = performance.now();
  const left = () => LONGEST_PAUSE_MS - (performance.now() - started);
  let idle = 0;
  while (idle < owed && left() > 0) {
    await sleep(Math.max(1, Math.min(owed - idle, left())));
    idle = performance.eventLoopUtilization(since).idle;
  }
}
