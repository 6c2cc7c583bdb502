import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Response } from 'supertest';
import { ClientWithSecret } from '../src/clients/clients.service';
import { PasswordHasher } from '../src/common/crypto/password-hasher';
import { createTestApp, TestApp, uniqueName } from './helpers/create-test-app';
import { hiddenFields } from './helpers/oauth-client';
import { alerts, expectRefusedLoginPage, retryAfter, signInAttempt } from './helpers/sign-in-attempt';
import { spawnInstance, SpawnedInstance } from './helpers/spawned-instance';
import * as oauth from './helpers/partner';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `n` login forms, each loaded in its own browser, posted all at once. */
async function parallelSignInAttempts(t: TestApp, n: number, username: string, password: string): Promise<Response[]> {
  const forms = await Promise.all(
    Array.from({ length: n }, async () => {
      const browser = t.browser();
      return { browser, fields: hiddenFields((await browser.get('/login').expect(200)).text) };
    }),
  );
  return Promise.all(
    forms.map(({ browser, fields }) =>
      browser
        .post('/login')
        .type('form')
        .send({ ...fields, username, password }),
    ),
  );
}

describe('rate limits', () => {
  let t: TestApp;
  let client: ClientWithSecret;
  let user: Awaited<ReturnType<TestApp['createUser']>>;

  beforeAll(async () => {
    t = await createTestApp({
      RATE_LIMIT_LOGIN_FAILURES: '3',
      RATE_LIMIT_CLIENT_AUTH_FAILURES: '2',
      RATE_LIMIT_WINDOW: '60',
      RATE_LIMIT_OAUTH: '4',
    });
    client = await t.createClient({ grant_types: ['client_credentials'], scope: 'read', redirect_uris: [] });
    user = await t.createUser();
  });
  afterAll(() => t.close());

  const token = (address: string, as = client, secret?: string) =>
    oauth.token(t.http(), as, { grant_type: 'client_credentials' }, { secret }).set('X-Forwarded-For', address);
  const newClient = () => t.createClient({ grant_types: ['client_credentials'], scope: 'read', redirect_uris: [] });

  it('answers a client over its request limit with 429, Retry-After and RFC 6749 §5.2 JSON, and issues nothing', async () => {
    const partner = await newClient();
    for (let i = 0; i < 4; i++) await token('203.0.113.1', partner).expect(200);
    const res = await token('203.0.113.1', partner);
    oauth.expectOAuthError(res, 429, 'temporarily_unavailable');
    expect(res.body.error_description).toMatch(/try again/);
    expect(retryAfter(res)).toBeLessThanOrEqual(60);
  });

  it('counts token, revocation and introspection requests of one client together', async () => {
    const partner = await newClient();
    const address = '203.0.113.2';
    const { access_token } = (await token(address, partner).expect(200)).body as { access_token: string };
    await oauth.introspect(t.http(), partner, access_token).set('X-Forwarded-For', address).expect(200);
    await oauth.revoke(t.http(), partner, 'unknown').set('X-Forwarded-For', address).expect(200);
    await oauth.introspect(t.http(), partner, access_token).set('X-Forwarded-For', address).expect(200);
    for (const endpoint of [oauth.tokenRequest, oauth.revocationRequest, oauth.introspectionRequest]) {
      const res = await oauth
        .asClient(endpoint(t.http()), partner, { grant_type: 'client_credentials', token: access_token })
        .set('X-Forwarded-For', address);
      oauth.expectOAuthError(res, 429, 'temporarily_unavailable');
      retryAfter(res);
    }
  });

  it('counts an authenticated client by itself, not by its address: from another address it is still over, other clients are not', async () => {
    const partner = await newClient();
    const neighbour = await newClient();
    for (let i = 0; i < 4; i++) await token('203.0.113.3', partner).expect(200);
    await token('203.0.113.3', partner).expect(429);
    await token('203.0.113.4', partner).expect(429);
    for (let i = 0; i < 4; i++) await token('203.0.113.3', neighbour).expect(200);
  });

  it('refuses an address that failed client authentication too often, before checking credentials, even the right ones', async () => {
    const partner = await newClient();
    for (let i = 0; i < 2; i++) {
      oauth.expectOAuthError(await token('203.0.113.5', partner, 'a guessed secret'), 401, 'invalid_client');
    }
    const refused = await token('203.0.113.5', partner);
    oauth.expectOAuthError(refused, 429, 'temporarily_unavailable');
    retryAfter(refused);
    await token('203.0.113.6', partner).expect(200);
    await token('2001:db8:1::1', partner).expect(200);
  });

  it('does not limit other routes, even for an address over both failure budgets', async () => {
    const address = '203.0.113.7';
    for (let i = 0; i < 2; i++) await token(address, client, 'a guessed secret').expect(401);
    await token(address).expect(429);
    // Each budget is its own: an address over the client authentication budget may still sign in.
    for (let i = 0; i < 3; i++)
      expect((await signInAttempt(t, uniqueName('nobody'), 'guess', address)).res.status).toBe(401);
    expect((await signInAttempt(t, uniqueName('nobody'), 'guess', address)).res.status).toBe(429);
    for (const path of ['/login', '/.well-known/oauth-authorization-server', '/oauth/jwks', '/health']) {
      for (let i = 0; i < 5; i++) {
        const res = await t.http().get(path).set('X-Forwarded-For', address);
        expect({ path, status: res.status }).toEqual({ path, status: 200 });
      }
    }
  });

  it('answers sign-ins from an address over its failure budget with the login page, 429 and Retry-After, even with the right password', async () => {
    const address = '198.51.100.1';
    for (let i = 0; i < 3; i++) {
      // Different usernames: the per-username back-off must not be what refuses the fourth.
      expect((await signInAttempt(t, uniqueName('nobody'), 'guess', address)).res.status).toBe(401);
    }
    const { res, browser } = await signInAttempt(t, user.username, user.password, address);
    expectRefusedLoginPage(res);
    expect(alerts(res.text)).toEqual([expect.stringMatching(/^Too many failed sign-ins from your network\./)]);
    await browser.get('/').expect(303).expect('Location', '/login');
    expect((await signInAttempt(t, user.username, user.password, '198.51.100.2')).res.status).toBe(303);
  });

  it('never counts a successful sign-in against its address', async () => {
    const address = '198.51.100.3';
    for (let i = 0; i < 10; i++) {
      expect((await signInAttempt(t, user.username, user.password, address)).res.status).toBe(303);
    }
    for (let i = 0; i < 3; i++) {
      expect((await signInAttempt(t, uniqueName('nobody'), 'guess', address)).res.status).toBe(401);
    }
    expect((await signInAttempt(t, uniqueName('nobody'), 'guess', address)).res.status).toBe(429);
  });

  it('takes from the budget before checking the password: of 20 parallel guesses from one address, 3 are checked', async () => {
    const address = '198.51.100.4';
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => signInAttempt(t, uniqueName('nobody'), 'guess', address)),
    );
    expect(answers.filter(({ res }) => res.status === 401)).toHaveLength(3);
    expect(answers.filter(({ res }) => res.status === 429)).toHaveLength(17);
  });
});

describe('rate limits over time', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_WINDOW: '1', RATE_LIMIT_OAUTH: '2' });
  });
  afterAll(() => t.close());

  it('lets a client in again once its window has ended', async () => {
    const client = await t.createClient({ grant_types: ['client_credentials'], scope: 'read', redirect_uris: [] });
    const token = () => oauth.token(t.http(), client, { grant_type: 'client_credentials' });
    await token().expect(200);
    await token().expect(200);
    const refused = await token().expect(429);
    await sleep(retryAfter(refused) * 1000 + 100);
    await token().expect(200);
  });
});

describe('per-username back-off on failed sign-ins', () => {
  let verify: jest.SpyInstance;

  beforeAll(() => {
    verify = jest.spyOn(PasswordHasher.prototype, 'verify');
  });
  afterAll(() => verify.mockRestore());

  /** The attempt, and how many password hashes it checked. */
  async function counted(attempt: () => Promise<{ res: Response }>): Promise<{ res: Response; hashes: number }> {
    const before = verify.mock.calls.length;
    const { res } = await attempt();
    return { res, hashes: verify.mock.calls.length - before };
  }

  describe('after 3 failures, a minute', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp({ LOGIN_BACKOFF_AFTER: '3', LOGIN_BACKOFF_DELAY: '60', LOGIN_BACKOFF_MAX_DELAY: '300' });
    });
    afterAll(() => t.close());

    it('refuses a known and an unknown username alike: the same pages, statuses and waits, and no password checked while waiting', async () => {
      const user = await t.createUser();
      const answers = [];
      for (const username of [user.username, uniqueName('user')]) {
        const steps = [];
        for (const password of ['wrong 1', 'wrong 2', 'wrong 3', user.password]) {
          const { res, hashes } = await counted(() => signInAttempt(t, username, password));
          steps.push({
            status: res.status,
            hashes,
            alerts: alerts(res.text),
            retryAfter: res.headers['retry-after'] as string | undefined,
            page: res.text.replace(/name="_csrf" value="[^"]*"/, ''),
          });
        }
        answers.push(steps);
      }
      const [known, unknown] = answers;
      expect(known.map((s) => [s.status, s.hashes])).toEqual([
        [401, 1],
        [401, 1],
        [429, 1],
        [429, 0],
      ]);
      expect(Number(known[2].retryAfter)).toBe(60);
      expect(Number(known[3].retryAfter)).toBeGreaterThanOrEqual(59);
      // The waits may differ by the second that passed between the two runs; nothing else may.
      const comparable = (steps: typeof known) =>
        steps.map(({ retryAfter, ...rest }) => ({ ...rest, waits: retryAfter !== undefined }));
      expect(comparable(unknown)).toEqual(comparable(known));
      for (let i = 0; i < 4; i++) {
        expect(Math.abs(Number(unknown[i].retryAfter ?? 0) - Number(known[i].retryAfter ?? 0))).toBeLessThanOrEqual(1);
      }
      expect(known[3].alerts).toEqual([expect.stringMatching(/Wait \d+ seconds/)]);
    });

    it('refuses the right password while the username waits, and the person stays signed out', async () => {
      const user = await t.createUser();
      for (let i = 0; i < 3; i++) await signInAttempt(t, user.username, 'wrong');
      const { res, browser } = await signInAttempt(t, user.username, user.password);
      expectRefusedLoginPage(res);
      await browser.get('/').expect(303).expect('Location', '/login');
    });

    it('counts spellings of a username that the database may match to the same account under one name', async () => {
      const user = await t.createUser({ username: uniqueName('Zoë') });
      for (const spelling of [user.username.toUpperCase(), user.username.normalize('NFD'), ` ${user.username} `]) {
        await signInAttempt(t, spelling, 'wrong');
      }
      expectRefusedLoginPage((await signInAttempt(t, user.username, user.password)).res);
    });

    it('leaves other usernames alone', async () => {
      const target = await t.createUser();
      const other = await t.createUser();
      for (let i = 0; i < 3; i++) await signInAttempt(t, target.username, 'wrong');
      expectRefusedLoginPage((await signInAttempt(t, target.username, 'wrong')).res);
      expect((await signInAttempt(t, other.username, 'wrong')).res.status).toBe(401);
      expect((await signInAttempt(t, other.username, other.password)).res.status).toBe(303);
    });

    it('checks only 3 of 20 parallel guesses and refuses the others unchecked', async () => {
      const user = await t.createUser();
      const before = verify.mock.calls.length;
      const answers = await parallelSignInAttempts(t, 20, user.username, 'wrong');
      expect(verify.mock.calls.length - before).toBe(3);
      expect(answers.filter((res) => res.status === 429).length).toBeGreaterThanOrEqual(17);
      expect(answers.every((res) => res.status === 401 || res.status === 429)).toBe(true);
      expectRefusedLoginPage((await signInAttempt(t, user.username, user.password)).res);
    });
  });

  describe('after 21 failures', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp({ LOGIN_BACKOFF_AFTER: '21', LOGIN_BACKOFF_DELAY: '60' });
    });
    afterAll(() => t.close());

    it('counts every one of 20 parallel wrong guesses: the next failure starts the back-off', async () => {
      const user = await t.createUser();
      const answers = await parallelSignInAttempts(t, 20, user.username, 'wrong');
      expect(answers.map((res) => res.status)).toEqual(Array(20).fill(401));
      expectRefusedLoginPage((await signInAttempt(t, user.username, 'wrong')).res);
      expectRefusedLoginPage((await signInAttempt(t, user.username, user.password)).res);
    });
  });

  describe('after 2 failures, one second, doubling up to two', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp({ LOGIN_BACKOFF_AFTER: '2', LOGIN_BACKOFF_DELAY: '1', LOGIN_BACKOFF_MAX_DELAY: '2' });
    });
    afterAll(() => t.close());

    it('waits longer after each back-off, up to the maximum, and lets the right password in once the wait is over', async () => {
      const user = await t.createUser();
      const waits = [];
      for (let round = 0; round < 3; round++) {
        expect((await signInAttempt(t, user.username, 'wrong')).res.status).toBe(401);
        const { res } = await signInAttempt(t, user.username, 'wrong');
        expectRefusedLoginPage(res);
        waits.push(retryAfter(res));
        await sleep(retryAfter(res) * 1000 + 50);
      }
      expect(waits).toEqual([1, 2, 2]);
      const { res, browser } = await signInAttempt(t, user.username, user.password);
      expect(res.status).toBe(303);
      await browser.get('/').expect(200);
    });

    it('forgets the failures after a success', async () => {
      const user = await t.createUser();
      expect((await signInAttempt(t, user.username, 'wrong')).res.status).toBe(401);
      expect((await signInAttempt(t, user.username, user.password)).res.status).toBe(303);
      expect((await signInAttempt(t, user.username, 'wrong')).res.status).toBe(401);
      expect((await signInAttempt(t, user.username, 'wrong')).res.status).toBe(429);
    });
  });

  // The second in a process of its own: in-process apps would share passport's one registered strategy.
  describe('two instances on one database', () => {
    let dir: string;
    let first: TestApp;
    let second: SpawnedInstance;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'brute-force-e2e-'));
      const shared = process.env.DATABASE_URL?.startsWith('mysql://')
        ? process.env.DATABASE_URL
        : `sqlite:${join(dir, 'provider.sqlite')}`;
      const env = { DATABASE_URL: shared, LOGIN_BACKOFF_AFTER: '2', LOGIN_BACKOFF_DELAY: '60' };
      first = await createTestApp(env);
      second = await spawnInstance(dir, env);
    });
    afterAll(async () => {
      await first.close();
      await second.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('count the failures of one username together', async () => {
      const user = await first.createUser();
      expect((await signInAttempt(first, user.username, 'wrong')).res.status).toBe(401);
      expectRefusedLoginPage((await signInAttempt(second, user.username, 'wrong')).res);
      expectRefusedLoginPage((await signInAttempt(first, user.username, user.password)).res);
    });
  });
});
