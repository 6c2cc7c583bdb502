import { DataSource } from 'typeorm';
import { ClientWithSecret } from '../src/clients/clients.service';
import { GrantEntity } from '../src/grants/grant.entity';
import { UsersService } from '../src/users/users.service';
import { createTestApp, TestApp, uniqueName } from './helpers/create-test-app';
import { privateDatabase } from './helpers/database-state';
import { issueCode, REDIRECT } from './helpers/issue-code';
import { signIn } from './helpers/oauth-client';
import * as oauth from './helpers/partner';

type Method = 'get' | 'post' | 'patch' | 'delete';

interface Tokens {
  access_token: string;
  refresh_token: string;
  scope: string;
}

interface UserView {
  id: string;
  username: string;
  name: string | null;
  email: string | null;
  admin: boolean;
  disabled: boolean;
  created_at: string;
}

const PASSWORD = 'a fine password';
const CHROME_ON_LINUX =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const FIREFOX_ON_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/** Every route and method of the users API, on a given user id. */
const ROUTES: [string, (id: string) => { method: Method; path: string; body?: object }][] = [
  ['POST /admin/users', () => ({ method: 'post', path: '/admin/users', body: { username: 'x', password: 'y' } })],
  ['GET /admin/users', () => ({ method: 'get', path: '/admin/users' })],
  ['GET /admin/users/:id', (id) => ({ method: 'get', path: `/admin/users/${id}` })],
  ['PATCH /admin/users/:id', (id) => ({ method: 'patch', path: `/admin/users/${id}`, body: { admin: true } })],
  ['DELETE /admin/users/:id', (id) => ({ method: 'delete', path: `/admin/users/${id}` })],
  ['GET /admin/users/:id/grants', (id) => ({ method: 'get', path: `/admin/users/${id}/grants` })],
  ['DELETE /admin/users/:id/grants/:grantId', (id) => ({ method: 'delete', path: `/admin/users/${id}/grants/g` })],
  ['GET /admin/users/:id/sessions', (id) => ({ method: 'get', path: `/admin/users/${id}/sessions` })],
  [
    'DELETE /admin/users/:id/sessions/:sessionId',
    (id) => ({ method: 'delete', path: `/admin/users/${id}/sessions/s` }),
  ],
];

/** Every key of a JSON value, however deep. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)]);
  return [];
}

describe('users administration API', () => {
  let t: TestApp;
  let drop: () => Promise<void>;
  let adminToken: string;
  let adminClient: ClientWithSecret;
  /** A partner that may refresh and ask for `admin` for an administrator. */
  let partner: ClientWithSecret;

  beforeAll(async () => {
    // Its own database on MySQL: the last-administrator rule counts every user in it.
    const database = await privateDatabase('admin_users');
    drop = database.drop;
    t = await createTestApp(database.env);
    adminClient = await t.createClient({ redirect_uris: [], grant_types: ['client_credentials'], scope: 'admin' });
    adminToken = (await oauth.token(t.http(), adminClient, { grant_type: 'client_credentials' }).expect(200)).body
      .access_token;
    partner = await t.createClient({
      name: 'Partner App',
      redirect_uris: [REDIRECT],
      grant_types: ['authorization_code', 'refresh_token'],
      scope: 'openid profile admin',
    });
  });
  afterAll(async () => {
    await t?.close();
    await drop?.();
  });

  /** A call to the API as JSON, with the admin token unless told otherwise (null: no Authorization header). */
  function api(method: Method, path: string, body?: unknown, authorization: string | null = `Bearer ${adminToken}`) {
    let req = t.http()[method](path);
    if (authorization !== null) req = req.set('Authorization', authorization);
    if (body !== undefined) req = req.set('Content-Type', 'application/json').send(JSON.stringify(body));
    return req;
  }

  /** A user created through the API, with PASSWORD. */
  async function createUser(fields: object = {}): Promise<UserView> {
    const res = await api('post', '/admin/users', { username: uniqueName('user'), password: PASSWORD, ...fields });
    expect(res.status).toBe(201);
    return res.body as UserView;
  }

  /** Tokens of a grant the user gave the partner, through a real code exchange. */
  async function tokensOf(userId: string, scope = 'openid profile'): Promise<Tokens> {
    const code = await issueCode(t.app, partner.client_id, userId, scope);
    return (await oauth.exchange(t.http(), partner, code).expect(200)).body as Tokens;
  }

  async function expectGrantEnded(tokens: Tokens): Promise<void> {
    oauth.expectOAuthError(await oauth.refresh(t.http(), partner, tokens.refresh_token), 400, 'invalid_grant');
    const introspection = await oauth.introspect(t.http(), partner, tokens.access_token).expect(200);
    expect(introspection.body).toEqual({ active: false });
  }

  async function expectGrantLive(tokens: Tokens): Promise<Tokens> {
    const introspection = await oauth.introspect(t.http(), partner, tokens.access_token).expect(200);
    expect(introspection.body.active).toBe(true);
    return (await oauth.refresh(t.http(), partner, tokens.refresh_token).expect(200)).body as Tokens;
  }

  function expectBadRequest(res: { status: number; body: unknown }, message: RegExp): void {
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: expect.stringMatching(message) });
  }

  const signsIn = async (user: { username: string }, password: string) =>
    !!(await t.app.get(UsersService).verifyCredentials(user.username, password));

  /** A browser signed in as the user through the login page, with this User-Agent. */
  async function signedInBrowser(user: { username: string }, userAgent = CHROME_ON_LINUX) {
    const browser = t.browser().set('User-Agent', userAgent);
    await signIn(browser, user.username, PASSWORD);
    return browser;
  }

  /** Whether the browser's session still signs it in: the home page shows the user, or sends it to the login page. */
  const browserSignedIn = async (browser: ReturnType<TestApp['browser']>) => (await browser.get('/')).status === 200;

  describe('access control', () => {
    let target: UserView;
    let plainToken: string;

    beforeAll(async () => {
      target = await createUser();
      const reader = await t.createClient({ redirect_uris: [], grant_types: ['client_credentials'], scope: 'read' });
      plainToken = (await oauth.token(t.http(), reader, { grant_type: 'client_credentials' }).expect(200)).body
        .access_token;
    });

    it.each(ROUTES)('%s without a token is 401, with a token lacking admin 403', async (_, route) => {
      const { method, path, body } = route(target.id);
      const anonymous = await api(method, path, body, null);
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toEqual({ error: 'invalid_token', error_description: expect.any(String) });
      const plain = await api(method, path, body, `Bearer ${plainToken}`);
      expect(plain.status).toBe(403);
      expect(plain.body).toEqual({ error: 'insufficient_scope', error_description: expect.any(String) });
      // Nothing changed.
      expect((await api('get', `/admin/users/${target.id}`)).body).toEqual(target);
    });
  });

  describe('creating, reading and listing', () => {
    it('creates a user who can sign in, and shows every field but the password', async () => {
      const username = uniqueName('ada');
      const res = await api('post', '/admin/users', {
        username,
        password: 'analytical engine',
        name: 'Ada Lovelace',
        email: 'ada@example.com',
        admin: true,
      });
      expect(res.status).toBe(201);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({
        id: expect.any(String),
        username,
        name: 'Ada Lovelace',
        email: 'ada@example.com',
        admin: true,
        disabled: false,
        created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      });
      expect(await signsIn({ username }, 'analytical engine')).toBe(true);

      const got = await api('get', `/admin/users/${res.body.id}`);
      expect(got.status).toBe(200);
      expect(got.body).toEqual(res.body);
      const listed = await api('get', '/admin/users?limit=100');
      for (const body of [res.body, got.body, listed.body]) {
        expect(keysOf(body).filter((k) => /password|hash/i.test(k))).toEqual([]);
        expect(JSON.stringify(body)).not.toContain('scrypt');
      }
    });

    it('lists newest first, a page at a time, with the total', async () => {
      const [first, second, third] = [await createUser(), await createUser(), await createUser()];
      const page = await api('get', '/admin/users?limit=2&offset=0');
      expect(page.status).toBe(200);
      expect(page.body.items.map((u: UserView) => u.id)).toEqual([third.id, second.id]);
      const next = await api('get', '/admin/users?limit=2&offset=2');
      expect(next.body.items[0].id).toBe(first.id);
      expect(next.body.total).toBe(page.body.total);
    });

    it('finds by a substring of the username, name or email, wildcards taken literally', async () => {
      const marker = uniqueName('needle');
      const byUsername = await createUser({ username: `${marker}-u` });
      const byName = await createUser({ name: `Someone ${marker}` });
      const byEmail = await createUser({ email: `${marker}@example.com` });
      const percent = await createUser({ name: `100% ${marker}` });
      await createUser();

      const found = await api('get', `/admin/users?q=${encodeURIComponent(marker)}`);
      expect(found.body.total).toBe(4);
      expect(found.body.items.map((u: UserView) => u.id).sort()).toEqual(
        [byUsername.id, byName.id, byEmail.id, percent.id].sort(),
      );
      const literal = await api('get', `/admin/users?q=${encodeURIComponent(`0% ${marker}`)}`);
      expect(literal.body.items.map((u: UserView) => u.id)).toEqual([percent.id]);
      expect((await api('get', `/admin/users?q=${encodeURIComponent(`%${marker}_u`)}`)).body.total).toBe(0);
    });

    it.each<[string, object, RegExp]>([
      ['an unknown field', { username: 'u1', password: 'pw', role: 'admin' }, /role should not exist/],
      ['a bad email', { username: 'u2', password: 'pw', email: 'not an email' }, /email must be an email address/],
      ['an empty password', { username: 'u3', password: '' }, /password must not be empty/],
      ['no password', { username: 'u4' }, /password/],
      ['no username', { password: 'pw' }, /username/],
      ['a username with a control character', { username: 'a\nb', password: 'pw' }, /control characters/],
      ['admin not a boolean', { username: 'u5', password: 'pw', admin: 'yes' }, /admin must be a boolean/],
    ])('refuses %s with 400 and says why', async (_, body, message) => {
      const before = (await api('get', '/admin/users')).body.total;
      expectBadRequest(await api('post', '/admin/users', body), message);
      expect((await api('get', '/admin/users')).body.total).toBe(before);
    });

    it('refuses a username that is taken with 400 saying so', async () => {
      const user = await createUser();
      expectBadRequest(
        await api('post', '/admin/users', { username: user.username, password: 'other' }),
        /already taken/,
      );
    });

    it('answers 404 for an unknown id, and 400 for a bad query', async () => {
      for (const path of [`/admin/users/${UNKNOWN_ID}`, `/admin/users/${UNKNOWN_ID}/grants`]) {
        const res = await api('get', path);
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ error: 'not_found', error_description: 'no such user' });
      }
      expect((await api('patch', `/admin/users/${UNKNOWN_ID}`, { name: 'x' })).status).toBe(404);
      expect((await api('delete', `/admin/users/${UNKNOWN_ID}`)).status).toBe(404);
      expectBadRequest(await api('get', '/admin/users?limit=0'), /limit/);
      expectBadRequest(await api('get', '/admin/users?sort=name'), /sort should not exist/);
    });
  });

  describe('changing a user', () => {
    it('changes the name and email, and refuses a bad email or an unknown field', async () => {
      const user = await createUser();
      const res = await api('patch', `/admin/users/${user.id}`, { name: 'Grace Hopper', email: 'grace@example.com' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: user.id, name: 'Grace Hopper', email: 'grace@example.com' });

      expectBadRequest(await api('patch', `/admin/users/${user.id}`, { email: 'grace' }), /email must be an email/);
      expectBadRequest(await api('patch', `/admin/users/${user.id}`, { username: 'new' }), /username should not exist/);
      expectBadRequest(await api('patch', `/admin/users/${user.id}`, { password: '' }), /password must not be empty/);
      expectBadRequest(await api('patch', `/admin/users/${user.id}`, { disabled: 'no' }), /disabled must be a boolean/);
      expect((await api('get', `/admin/users/${user.id}`)).body).toEqual(res.body);
    });

    it('disabling ends every grant and sign-in; enabling lets the user sign in again', async () => {
      const user = await createUser();
      const [a, b] = [await tokensOf(user.id), await tokensOf(user.id)];

      const res = await api('patch', `/admin/users/${user.id}`, { disabled: true });
      expect(res.status).toBe(200);
      expect(res.body.disabled).toBe(true);
      await expectGrantEnded(a);
      await expectGrantEnded(b);
      expect(await signsIn(user, PASSWORD)).toBe(false);
      expect((await api('get', `/admin/users/${user.id}/grants`)).body).toEqual([]);

      expect((await api('patch', `/admin/users/${user.id}`, { disabled: false })).body.disabled).toBe(false);
      expect(await signsIn(user, PASSWORD)).toBe(true);
      // What ended stays ended; a new grant works.
      await expectGrantEnded(a);
      await expectGrantLive(await tokensOf(user.id));
    });

    it('a new password ends every grant, and the new one signs in', async () => {
      const user = await createUser();
      const tokens = await tokensOf(user.id);

      expect((await api('patch', `/admin/users/${user.id}`, { password: 'a new secret' })).status).toBe(200);
      await expectGrantEnded(tokens);
      expect(await signsIn(user, PASSWORD)).toBe(false);
      expect(await signsIn(user, 'a new secret')).toBe(true);
    });

    it('gives the admin role, and taking it ends the user’s grants, admin tokens included', async () => {
      const user = await createUser();
      await api('patch', `/admin/users/${user.id}`, { admin: true }).expect(200);
      const tokens = await tokensOf(user.id, 'openid admin');
      expect(tokens.scope.split(' ')).toContain('admin');
      await api('get', '/admin/users', undefined, `Bearer ${tokens.access_token}`).expect(200);

      const res = await api('patch', `/admin/users/${user.id}`, { admin: false });
      expect(res.body.admin).toBe(false);
      await expectGrantEnded(tokens);
      expect((await api('get', '/admin/users', undefined, `Bearer ${tokens.access_token}`)).status).toBe(401);
    });
  });

  describe('grants', () => {
    it('lists the live grants with their client, and revokes one: its tokens end, the others live', async () => {
      const user = await createUser();
      const [kept, revoked] = [await tokensOf(user.id), await tokensOf(user.id, 'openid')];

      const listed = await api('get', `/admin/users/${user.id}/grants`);
      expect(listed.status).toBe(200);
      expect(listed.body).toHaveLength(2);
      for (const grant of listed.body) {
        expect(grant).toEqual({
          id: expect.any(String),
          client_id: partner.client_id,
          client_name: 'Partner App',
          scope: expect.any(String),
          created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        });
      }
      const target = listed.body.find((g: { scope: string }) => g.scope === 'openid');

      expect((await api('delete', `/admin/users/${user.id}/grants/${target.id}`)).status).toBe(204);
      await expectGrantEnded(revoked);
      await expectGrantLive(kept);
      const after = await api('get', `/admin/users/${user.id}/grants`);
      expect(after.body.map((g: { id: string }) => g.id)).not.toContain(target.id);
      // Revoked already: no longer a live grant.
      expect((await api('delete', `/admin/users/${user.id}/grants/${target.id}`)).status).toBe(404);
    });

    it('answers 404 for a grant of another user, and leaves it live', async () => {
      const [owner, other] = [await createUser(), await createUser()];
      const tokens = await tokensOf(owner.id);
      const [grant] = (await api('get', `/admin/users/${owner.id}/grants`)).body;

      const res = await api('delete', `/admin/users/${other.id}/grants/${grant.id}`);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: 'not_found', error_description: 'no such grant of this user' });
      expect((await api('delete', `/admin/users/${owner.id}/grants/${UNKNOWN_ID}`)).status).toBe(404);
      await expectGrantLive(tokens);
    });
  });

  describe('sessions', () => {
    it('lists the live sessions with their device and address, never a cookie, and ends one at once', async () => {
      const user = await createUser();
      const chrome = await signedInBrowser(user);
      const firefox = await signedInBrowser(user, FIREFOX_ON_WINDOWS);

      const listed = await api('get', `/admin/users/${user.id}/sessions`);
      expect(listed.status).toBe(200);
      expect(listed.headers['cache-control']).toBe('no-store');
      expect(listed.body).toHaveLength(2);
      for (const session of listed.body) {
        expect(session).toEqual({
          id: expect.stringMatching(/^[0-9a-f]{64}$/),
          device: expect.any(String),
          ip: expect.stringMatching(/127\.0\.0\.1/),
          created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
          expires_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        });
      }
      expect(listed.body.map((s: { device: string }) => s.device).sort()).toEqual([
        'Chrome on Linux',
        'Firefox on Windows',
      ]);
      // No session cookie (sid) value appears in the answer.
      const cookies = [chrome, firefox].flatMap((b) =>
        (b as unknown as { jar: { getCookies(o: object): { name: string; value: string }[] } }).jar
          .getCookies({ domain: '127.0.0.1', path: '/', secure: false, script_only: false })
          .filter((c) => c.name === 'sid')
          .map((c) => decodeURIComponent(c.value).split('.')[0]),
      );
      expect(cookies).toHaveLength(2);
      for (const cookie of cookies) expect(JSON.stringify(listed.body)).not.toContain(cookie);

      const firefoxSession = listed.body.find((s: { device: string }) => s.device === 'Firefox on Windows');
      expect((await api('delete', `/admin/users/${user.id}/sessions/${firefoxSession.id}`)).status).toBe(204);
      expect(await browserSignedIn(firefox)).toBe(false);
      expect(await browserSignedIn(chrome)).toBe(true);
      const after = (await api('get', `/admin/users/${user.id}/sessions`)).body;
      expect(after.map((s: { id: string }) => s.id)).not.toContain(firefoxSession.id);
      // Ended already: no longer a live session; the browser signing in again does not bring it back.
      expect((await api('delete', `/admin/users/${user.id}/sessions/${firefoxSession.id}`)).status).toBe(404);
    });

    it('answers 404 for a session of another user, an unknown one or an unknown user, and ends nothing', async () => {
      const [owner, other] = [await createUser(), await createUser()];
      const browser = await signedInBrowser(owner);
      const [session] = (await api('get', `/admin/users/${owner.id}/sessions`)).body;

      const res = await api('delete', `/admin/users/${other.id}/sessions/${session.id}`);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: 'not_found', error_description: 'no such session of this user' });
      for (const id of ['0'.repeat(64), session.id.toUpperCase(), 'not-a-session']) {
        expect((await api('delete', `/admin/users/${owner.id}/sessions/${id}`)).status).toBe(404);
      }
      expect((await api('get', `/admin/users/${UNKNOWN_ID}/sessions`)).status).toBe(404);
      expect((await api('delete', `/admin/users/${UNKNOWN_ID}/sessions/${session.id}`)).status).toBe(404);
      expect(await browserSignedIn(browser)).toBe(true);
    });

    it.each<[string, Method, object | undefined]>([
      ['disabling the user', 'patch', { disabled: true }],
      ['setting a new password', 'patch', { password: 'set by an admin' }],
      ['deleting the user', 'delete', undefined],
    ])('%s ends every session of the user, and no other', async (_, method, body) => {
      const [user, bystander] = [await createUser(), await createUser()];
      const browsers = [await signedInBrowser(user), await signedInBrowser(user, FIREFOX_ON_WINDOWS)];
      const theirs = await signedInBrowser(bystander);

      expect((await api(method, `/admin/users/${user.id}`, body)).status).toBeLessThan(300);
      for (const browser of browsers) expect(await browserSignedIn(browser)).toBe(false);
      expect(await browserSignedIn(theirs)).toBe(true);
      if (method === 'patch') expect((await api('get', `/admin/users/${user.id}/sessions`)).body).toEqual([]);
    });

    it('records the ending with the acting admin', async () => {
      const user = await createUser();
      await signedInBrowser(user);
      const [session] = (await api('get', `/admin/users/${user.id}/sessions`)).body;
      await api('delete', `/admin/users/${user.id}/sessions/${session.id}`).expect(204);
      const events = (await api('get', '/admin/audit-events?limit=100')).body.items as {
        type: string;
        actor: string;
        detail: Record<string, unknown>;
      }[];
      const ended = events.find((e) => e.type === 'session.revoked' && e.detail.user_id === user.id);
      expect(ended).toMatchObject({
        actor: `client:${adminClient.client_id}`,
        detail: { user_id: user.id, session_id: session.id },
      });
    });
  });

  describe('deleting a user', () => {
    it('answers 204, and the user’s grants and tokens go with it', async () => {
      const user = await createUser();
      const tokens = await tokensOf(user.id);

      expect((await api('delete', `/admin/users/${user.id}`)).status).toBe(204);
      expect((await api('get', `/admin/users/${user.id}`)).status).toBe(404);
      await expectGrantEnded(tokens);
      expect(await signsIn(user, PASSWORD)).toBe(false);
      expect(await t.app.get(DataSource).getRepository(GrantEntity).countBy({ userId: user.id })).toBe(0);
    });
  });

  describe('the last enabled administrator', () => {
    let last: UserView;
    let lastTokens: Tokens;

    beforeAll(async () => {
      // Every other administrator loses the role: `last` is the only one left.
      last = await createUser({ admin: true });
      const all = (await api('get', '/admin/users?limit=100')).body.items as UserView[];
      for (const user of all.filter((u) => u.admin && u.id !== last.id)) {
        await api('patch', `/admin/users/${user.id}`, { admin: false }).expect(200);
      }
      lastTokens = await tokensOf(last.id, 'openid admin');
    });

    it.each<[string, Method, object | undefined]>([
      ['taking the role', 'patch', { admin: false }],
      ['disabling', 'patch', { disabled: true }],
      ['deleting', 'delete', undefined],
    ])('refuses %s with 400, by another admin or by the administrator themself', async (_, method, body) => {
      for (const token of [adminToken, lastTokens.access_token]) {
        expectBadRequest(
          await api(method, `/admin/users/${last.id}`, body, `Bearer ${token}`),
          /no enabled administrator/,
        );
      }
      expect((await api('get', `/admin/users/${last.id}`)).body).toEqual(last);
      await expectGrantLive(lastTokens).then((fresh) => (lastTokens = fresh));
    });

    it('allows it once another administrator is enabled', async () => {
      const other = await createUser({ admin: true });
      await api('patch', `/admin/users/${other.id}`, { disabled: true }).expect(200);
      // A disabled administrator does not count.
      expectBadRequest(await api('patch', `/admin/users/${last.id}`, { admin: false }), /no enabled administrator/);

      await api('patch', `/admin/users/${other.id}`, { disabled: false }).expect(200);
      expect((await api('patch', `/admin/users/${last.id}`, { admin: false })).body.admin).toBe(false);
      expect((await api('delete', `/admin/users/${last.id}`)).status).toBe(204);
    });

    it('keeps one of two administrators disabled at the same moment: the changes run one after the other', async () => {
      const [x, y] = [await createUser({ admin: true }), await createUser({ admin: true })];
      const all = (await api('get', '/admin/users?limit=100')).body.items as UserView[];
      for (const user of all.filter((u) => u.admin && !u.disabled && u.id !== x.id && u.id !== y.id)) {
        await api('patch', `/admin/users/${user.id}`, { admin: false }).expect(200);
      }
      for (let round = 0; round < 5; round++) {
        const answers = await Promise.all([x, y].map((u) => api('patch', `/admin/users/${u.id}`, { disabled: true })));
        expect(answers.map((res) => res.status).sort()).toEqual([200, 400]);
        const disabled = [x, y][answers.findIndex((res) => res.status === 200)];
        await api('patch', `/admin/users/${disabled.id}`, { disabled: false }).expect(200);
      }
    });
  });

  describe('audit', () => {
    it('records every change with the acting admin, never a password', async () => {
      const user = await createUser();
      await tokensOf(user.id);
      const [grant] = (await api('get', `/admin/users/${user.id}/grants`)).body;
      await api('delete', `/admin/users/${user.id}/grants/${grant.id}`).expect(204);
      await api('patch', `/admin/users/${user.id}`, { name: 'Renamed', password: 'another secret' }).expect(200);
      await api('delete', `/admin/users/${user.id}`).expect(204);

      const actor = `client:${adminClient.client_id}`;
      const events = (await api('get', '/admin/audit-events?limit=100')).body.items as {
        type: string;
        actor: string;
        detail: Record<string, unknown>;
      }[];
      const mine = events.filter((e) => e.detail.user_id === user.id);
      expect(mine.map((e) => e.type).sort()).toEqual(['grant.revoked', 'user.created', 'user.deleted', 'user.updated']);
      for (const event of mine) expect(event.actor).toBe(actor);
      expect(mine.find((e) => e.type === 'user.updated')!.detail.fields).toEqual(['name', 'password']);
      expect(JSON.stringify(mine)).not.toContain('another secret');
    });
  });
});
