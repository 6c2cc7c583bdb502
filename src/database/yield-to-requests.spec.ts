import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { LONGEST_PAUSE_MS, yieldToRequests } from './yield-to-requests';

/** Keeps the event loop busy `busyMs` of every `busyMs + gapMs` (a gap of 0: always), until stopped. */
function keepBusy(busyMs: number, gapMs: number): () => Promise<void> {
  let stopped = false;
  const running = (async () => {
    while (!stopped) {
      const until = performance.now() + busyMs;
      while (performance.now() < until);
      await (gapMs > 0 ? sleep(gapMs) : new Promise((resolve) => setImmediate(resolve)));
    }
  })();
  return () => {
    stopped = true;
    return running;
  };
}

async function pauseAfter(workMs: number): Promise<number> {
  const started = performance.now();
  await yieldToRequests(workMs);
  return performance.now() - started;
}

describe('yieldToRequests', () => {
  it('on an idle event loop, pauses three times as long as the work took', async () => {
    const paused = await pauseAfter(40);
    expect(paused).toBeGreaterThanOrEqual(115);
    expect(paused).toBeLessThan(LONGEST_PAUSE_MS);
  });

  it('under load, waits for that much idle time, so the pause stretches', async () => {
    // Busy 9 ms of every 10 or so: 120 ms of idle time takes about a second to gather.
    const stop = keepBusy(9, 1);
    try {
      expect(await pauseAfter(40)).toBeGreaterThan(400);
    } finally {
      await stop();
    }
  });

  it('on a saturated event loop, still ends after LONGEST_PAUSE_MS', async () => {
    const stop = keepBusy(20, 0);
    try {
      const paused = await pauseAfter(40);
      expect(paused).toBeGreaterThanOrEqual(LONGEST_PAUSE_MS);
      expect(paused).toBeLessThan(LONGEST_PAUSE_MS + 500);
    } finally {
      await stop();
    }
  });
});
