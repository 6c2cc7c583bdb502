import { setTimeout as sleep } from 'node:timers/promises';

/** Waits until `condition` holds, looking every `intervalMs`; after `timeoutMs`, fails naming `what` it waited for. */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
  intervalMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(intervalMs);
  }
}
