import { DataSource, In } from 'typeorm';
import { LoginAttemptEntity } from '../src/auth/login-attempt.entity';
import { usernameKey } from '../src/auth/username-key';
import { createTestApp, DEFAULT_RATE_LIMITS, TestApp, uniqueName } from './helpers/create-test-app';
import { authorize, hiddenFields, pkcePair } from './helpers/oauth-client';
import { alerts, expectRefusedLoginPage, retryAfter, signInAttempt } from './helpers/sign-in-attempt';
import * as oauth from './helpers/partner';

const REDIRECT = 'https://partner.example/callback';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/*
 * The limits at their defaults, as an operator who sets nothing gets them: an office behind one
 * address signs in, a sprayer on one address is stopped, a guesser cannot keep the owner out.
 */
describe('rate limits at the default settings', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(DEFAULT_RATE_LIMITS);
  });
  afterAll(() => t.close());

  it('lets 60 different users sign in from one address within a minute, every one reaching consent', async () => {
    const client = await t.createClient({ redirect_uris: [REDIRECT] });
    const users = await Promise.all(Array.from({ length: 60 }, () => t.createUser()));
    const started = Date.now();
    // Four at a time, as people arriving together would.
    let next = 0;
    const person = async () => {
      for (let user = users[next++]; user; user = users[next++]) {
        const location = await authorize(
          t.browser().set('X-Forwarded-For', '198.51.100.10'),
          {
            response_type: 'code',
            client_id: client.client_id,
            redirect_uri: REDIRECT,
            scope: 'openid profile',
            state: 'office',
            code_challenge: pkcePair().challenge,
            code_challenge_method: 'S256',
          },
          user,
        );
        expect(location.searchParams.get('code')).toEqual(expect.any(String));
      }
    };
    await Promise.all(Array.from({ length: 4 }, person));
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 120_000);

  it('refuses a sprayer on one address with 429 and Retry-After before the 150th of 150 usernames', async () => {
    const statuses: number[] = [];
    let refused;
    for (let i = 0; i < 150 && !refused; i++) {
      const { res } = await signInAttempt(t, uniqueName('sprayed'), 'Summer2026!', '198.51.100.20');
      statuses.push(res.status);
      if (res.status === 429) refused = res;
    }
    expect(refused).toBeDefined();
    expectRefusedLoginPage(refused!);
    expect(statuses.length).toBeLessThan(150);
    expect(statuses.slice(0, -1).every((status) => status === 401)).toBe(true);
    // A genuine user on that address meets the same refusal, for no longer than the failure window.
    const user = await t.createUser();
    const { res } = await signInAttempt(t, user.username, user.password, '198.51.100.20');
    expectRefusedLoginPage(res);
    expect(retryAfter(res)).toBeLessThanOrEqual(3600);
  }, 120_000);

  it('answers 50 wrong passwords for one username with 429', async () => {
    const user = await t.createUser();
    const statuses = [];
    for (let i = 0; i < 50; i++)
      statuses.push((await signInAttempt(t, user.username, `guess ${i}`, '198.51.100.30')).res.status);
    expect(statuses).toContain(429);
    expect(statuses.at(-1)).toBe(429);
  });

  it('lets a partner backend issue tokens at a busy rate from one address', async () => {
    const partner = await t.createClient({ grant_types: ['client_credentials'], scope: 'read', redirect_uris: [] });
    const statuses = await Promise.all(
      Array.from({ length: 1000 }, () =>
        oauth
          .token(t.http(), partner, { grant_type: 'client_credentials' })
          .set('X-Forwarded-For', '198.51.100.40')
          .then((res) => res.status),
      ),
    );
    expect(new Set(statuses)).toEqual(new Set([200]));
  });

  describe('a guesser against a user who signed in before', () => {
    it('lets the user in at once from their browser while wrong passwords keep coming from other addresses; a fresh browser meets the back-off', async () => {
      const user = await t.createUser();
      const own = t.browser();
      expect((await signInAttempt(t, user.username, user.password, '198.51.100.50', own)).res.status).toBe(303);

      let guessing = true;
      const answers: number[] = [];
      const guesser = (async () => {
        for (let i = 1; guessing; i++) {
          answers.push((await signInAttempt(t, user.username, `guess ${i}`, `192.0.2.${i % 250}`)).res.status);
        }
      })();
      try {
        while (!answers.includes(429)) await sleep(20);
        for (let i = 0; i < 3; i++) {
          const { res } = await signInAttempt(t, user.username, user.password, '198.51.100.50', own);
          expect(res.status).toBe(303);
          await own.get('/').expect(200);
        }
        expectRefusedLoginPage((await signInAttempt(t, user.username, user.password, '198.51.100.51')).res);
      } finally {
        guessing = false;
        await guesser;
      }
      expect(answers.filter((status) => status === 429).length).toBeGreaterThan(0);
    }, 60_000);

    it('trusts a browser no more once it has failed too often for the username', async () => {
      const user = await t.createUser();
      const own = t.browser();
      expect((await signInAttempt(t, user.username, user.password, '198.51.100.60', own)).res.status).toBe(303);
      for (let i = 0; i < 6; i++) await signInAttempt(t, user.username, 'wrong', '192.0.2.60');
      for (let i = 0; i < 10; i++) {
        expect((await signInAttempt(t, user.username, 'wrong', '198.51.100.60', own)).res.status).toBe(401);
      }
      expectRefusedLoginPage((await signInAttempt(t, user.username, user.password, '198.51.100.60', own)).res);
    });

    it("trusts a browser only for the username it signed in as: another user's device cookie counts for nothing", async () => {
      const user = await t.createUser();
      const other = await t.createUser();
      const own = t.browser();
      expect((await signInAttempt(t, other.username, other.password, '198.51.100.70', own)).res.status).toBe(303);
      for (let i = 0; i < 6; i++) await signInAttempt(t, user.username, 'wrong', '192.0.2.70');
      expectRefusedLoginPage((await signInAttempt(t, user.username, user.password, '198.51.100.70', own)).res);
    });

    it('sets the device cookie HttpOnly, SameSite=Lax, for the login form only, and for half a year', async () => {
      const user = await t.createUser();
      const { res } = await signInAttempt(t, user.username, user.password, '198.51.100.80');
      const cookie = ([] as string[])
        .concat(res.headers['set-cookie'] ?? [])
        .find((line) => line.startsWith('device_'));
      expect(cookie).toMatch(/^device_[0-9a-f]{16}=[\w-]+\.[\w-]+;/);
      expect(cookie).toMatch(/; Max-Age=15552000(;|$)/);
      expect(cookie).toMatch(/; Path=\/login(;|$)/);
      expect(cookie).toMatch(/; HttpOnly(;|$)/);
      expect(cookie).toMatch(/; SameSite=Lax(;|$)/);
    });
  });

  it('leaves at most one failure budget of rows from spraying 3,000 usernames (thirty budgets) from one address', async () => {
    const attempts = t.app.get(DataSource).getRepository(LoginAttemptEntity);
    const sprayed: string[] = [];
    const browser = t.browser();
    const form = hiddenFields((await browser.get('/login').expect(200)).text);
    let next = 0;
    const spray = async () => {
      while (next < 3_000) {
        const username = uniqueName(`sprayed-${next++}`);
        sprayed.push(username);
        const res = await browser
          .post('/login')
          .set('X-Forwarded-For', '198.51.100.90')
          .type('form')
          .send({ ...form, username, password: 'Winter2026!' });
        expect([401, 429]).toContain(res.status);
      }
    };
    await Promise.all(Array.from({ length: 8 }, spray));
    let rows = 0;
    for (let i = 0; i < sprayed.length; i += 1000) {
      rows += await attempts.countBy({ usernameKey: In(sprayed.slice(i, i + 1000).map(usernameKey)) });
    }
    expect(sprayed).toHaveLength(3_000);
    expect(rows).toBe(Number(DEFAULT_RATE_LIMITS.RATE_LIMIT_LOGIN_FAILURES));
  }, 120_000);
});

describe('rate limits over time, with a short failure window', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ ...DEFAULT_RATE_LIMITS, RATE_LIMIT_FAILURE_WINDOW: '8', RATE_LIMIT_LOGIN_FAILURES: '5' });
  });
  afterAll(() => t.close());

  it('lets a genuine user on an address throttled for spraying sign in again after Retry-After', async () => {
    const user = await t.createUser();
    for (let i = 0; i < 5; i++) await signInAttempt(t, uniqueName('sprayed'), 'guess', '198.51.100.100');
    const { res } = await signInAttempt(t, user.username, user.password, '198.51.100.100');
    expectRefusedLoginPage(res);
    expect(alerts(res.text)).toEqual([expect.stringMatching(/your network/)]);
    await sleep(retryAfter(res) * 1000 + 100);
    const again = await signInAttempt(t, user.username, user.password, '198.51.100.100');
    expect(again.res.status).toBe(303);
    await again.browser.get('/').expect(200);
  });
});
