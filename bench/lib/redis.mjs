// The Redis that oidc-provider's production setup keeps its state in: the machine's own, shared with
// others (the test suite's rate limiter), so each run keeps to keys under a prefix of its own and
// removes exactly those at the end; nothing else in it is read, changed or flushed.
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';

/** A key prefix no other run or user shares. */
export const runPrefix = () => `oauth-bench:${randomBytes(6).toString('hex')}:`;

/** A client to `url` that gives up quickly instead of retrying forever. */
const connect = (url) =>
  new Redis(url, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 1, retryStrategy: () => null });

/** Resolves once Redis at `url` answers PING; rejects with the reason (the connection's own error) otherwise. */
export async function pingRedis(url) {
  const client = connect(url);
  let failure;
  client.on('error', (error) => (failure = error));
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw failure ?? error;
  } finally {
    client.disconnect();
  }
}

/** Deletes every key under `prefix` (SCAN, then UNLINK), and those only; resolves with their number. */
export async function removeKeys(url, prefix) {
  const client = connect(url);
  client.on('error', () => undefined); // the command that failed rejects with it
  let removed = 0;
  try {
    await client.connect();
    // The prefix is random hex after a fixed name: no glob character to escape.
    for await (const keys of client.scanStream({ match: `${prefix}*`, count: 1000 })) {
      if (keys.length) removed += await client.unlink(...keys);
    }
  } finally {
    client.disconnect();
  }
  return removed;
}
