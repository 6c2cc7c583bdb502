/** The longest an instance waits before it looks for keys made elsewhere (another instance, the CLI's keys:rotate). */
const MAX_RELOAD_INTERVAL_MS = 5000;

/**
 * How often an instance reads the signing keys again, given KEY_PUBLISH_AHEAD in seconds: four
 * times within the publish-ahead time (at least every 250 ms), and at least every 5 s. A key
 * staged elsewhere is then published by every instance well before it signs.
 */
export function keyReloadIntervalMs(publishAheadSeconds: number): number {
  if (publishAheadSeconds === 0) return MAX_RELOAD_INTERVAL_MS;
  return Math.min(MAX_RELOAD_INTERVAL_MS, Math.max(250, (publishAheadSeconds * 1000) / 4));
}
