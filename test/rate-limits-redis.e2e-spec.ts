import { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientWithSecret } from '../src/clients/clients.service';
import { createTestApp, DEFAULT_RATE_LIMITS, TestApp, uniqueName } from './helpers/create-test-app';
import { freePort } from './helpers/free-port';
import { requireSharedRedis, SHARED_REDIS_URL, startRedis, stopRedis } from './helpers/redis-server';
import { expectRefusedLoginPage, signInAttempt } from './helpers/sign-in-attempt';
import { spawnInstance, SpawnedInstance } from './helpers/spawned-instance';
import { until } from './helpers/until';
import * as oauth from './helpers/partner';

/** An address of its own for each test, also across runs: the shared Redis keeps counters for the whole failure window. */
const freshAddress = () => `2001:db8:${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}::1`;

/** A database both instances use, as two instances of one deployment do. */
function sharedDatabase(dir: string): string {
  return process.env.DATABASE_URL?.startsWith('mysql://')
    ? process.env.DATABASE_URL
    : `sqlite:${join(dir, 'provider.sqlite')}`;
}

/** One instance in this process, one in a process of its own: nothing but Redis and the database is shared. */
type Instance = TestApp | SpawnedInstance;

const failedSignIn = (t: Instance, address: string) => signInAttempt(t, uniqueName('sprayed'), 'guess', address);

async function readiness(t: Instance) {
  const res = await t.http().get('/health/ready').expect(200);
  return (res.body as { details: { rate_limit: { status: string; store: string; fallback: boolean } } }).details
    .rate_limit;
}

describe('two instances on one Redis', () => {
  let dir: string;
  let first: TestApp;
  let second: SpawnedInstance;
  let client: ClientWithSecret;

  beforeAll(async () => {
    await requireSharedRedis();
    dir = mkdtempSync(join(tmpdir(), 'rate-limits-redis-e2e-'));
    const env = {
      ...DEFAULT_RATE_LIMITS,
      DATABASE_URL: sharedDatabase(dir),
      RATE_LIMIT_REDIS_URL: SHARED_REDIS_URL,
      RATE_LIMIT_LOGIN_FAILURES: '4',
      RATE_LIMIT_CLIENT_AUTH_FAILURES: '2',
    };
    first = await createTestApp(env);
    second = await spawnInstance(dir, env);
    client = await first.createClient({ grant_types: ['client_credentials'], scope: 'read', redirect_uris: [] });
    await until(async () => (await readiness(first)).store === 'redis', 'the first instance reaches Redis');
    await until(async () => (await readiness(second)).store === 'redis', 'the second instance reaches Redis');
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('spend one failed sign-in budget between them, not one each', async () => {
    const address = freshAddress();
    for (const t of [first, second, first, second]) expect((await failedSignIn(t, address)).res.status).toBe(401);
    const user = await first.createUser();
    expectRefusedLoginPage((await signInAttempt(first, user.username, user.password, address)).res);
    expectRefusedLoginPage((await signInAttempt(second, user.username, user.password, address)).res);
  });

  it('spend one failed client authentication budget between them', async () => {
    const address = freshAddress();
    const token = (t: Instance, secret: string) =>
      oauth
        .token(t.http(), client, { grant_type: 'client_credentials' }, { secret: secret })
        .set('X-Forwarded-For', address);
    await token(first, 'a guessed secret').expect(401);
    await token(second, 'another guess').expect(401);
    await token(first, client.client_secret!).expect(429);
    await token(second, client.client_secret!).expect(429);
  });

  it('report on /health/ready that they count in Redis', async () => {
    for (const t of [first, second])
      expect(await readiness(t)).toEqual({ status: 'up', store: 'redis', fallback: false });
  });
});

describe('two instances whose Redis stops and comes back', () => {
  let dir: string;
  let port: number;
  let redis: ChildProcess;
  let first: TestApp;
  let second: SpawnedInstance;
  let client: ClientWithSecret;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rate-limits-redis-e2e-'));
    port = await freePort();
    redis = await startRedis(port);
    const env = {
      ...DEFAULT_RATE_LIMITS,
      DATABASE_URL: sharedDatabase(dir),
      RATE_LIMIT_REDIS_URL: `redis://127.0.0.1:${port}`,
      RATE_LIMIT_LOGIN_FAILURES: '4',
    };
    first = await createTestApp(env);
    second = await spawnInstance(dir, { ...env, LOG_LEVEL: 'info' });
    client = await first.createClient({ grant_types: ['client_credentials'], scope: 'read', redirect_uris: [] });
    for (const t of [first, second])
      await until(async () => (await readiness(t)).store === 'redis', 'Redis is reached');
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    if (redis) await stopRedis(redis);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const token = (t: Instance) => oauth.token(t.http(), client, { grant_type: 'client_credentials' });
  /** What the instance in its own process logged that matches `pattern` (in-process apps share one logger). */
  const messages = (pattern: RegExp) => second.logged().filter((line) => pattern.test(line.msg));

  it('serve on without a 5xx, count per instance and log it once, report it on /health/ready, and count together again once Redis is back', async () => {
    const before = freshAddress();
    for (const t of [first, second]) expect((await failedSignIn(t, before)).res.status).toBe(401);

    await stopRedis(redis);
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      for (const t of [first, second]) {
        statuses.push((await failedSignIn(t, freshAddress())).res.status, (await token(t)).status);
      }
    }
    expect(new Set(statuses)).toEqual(new Set([401, 200]));
    for (const t of [first, second])
      expect(await readiness(t)).toEqual({ status: 'up', store: 'memory', fallback: true });
    // Each instance now counts alone: the first refuses an address after its own four failures, the second does not yet.
    const alone = freshAddress();
    for (let i = 0; i < 4; i++) expect((await failedSignIn(first, alone)).res.status).toBe(401);
    expect((await failedSignIn(first, alone)).res.status).toBe(429);
    expect((await failedSignIn(second, alone)).res.status).toBe(401);
    expect(messages(/Redis is unreachable/)).toEqual([expect.objectContaining({ level: 40 })]);

    redis = await startRedis(port);
    for (const t of [first, second]) {
      await until(async () => (await readiness(t)).store === 'redis', 'the instance reaches Redis again');
    }
    const after = freshAddress();
    for (const t of [first, second, first, second]) expect((await failedSignIn(t, after)).res.status).toBe(401);
    expect((await failedSignIn(second, after)).res.status).toBe(429);
    expect(messages(/Redis is unreachable/)).toHaveLength(1);
    expect(messages(/Redis is reachable again/)).toHaveLength(1);
  }, 120_000);
});
