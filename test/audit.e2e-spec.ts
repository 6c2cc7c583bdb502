import { DataSource } from 'typeorm';
import { AuditEventType } from '../src/audit/audit-event-types';
import { AuditEventView } from '../src/audit/audit-event.view';
import { ClientsService, ClientWithSecret } from '../src/clients/clients.service';
import { KeysService } from '../src/keys/keys.service';
import { createTestApp, TestApp, uniqueName } from './helpers/create-test-app';
import { failNextWrite } from './helpers/fail-next-write';
import { issueCode, REDIRECT as ISSUED_REDIRECT } from './helpers/issue-code';
import { authorize, hiddenFields, pkcePair } from './helpers/oauth-client';
import * as oauth from './helpers/partner';

const REDIRECT = 'https://partner.example/callback';
/** Requests come from the loopback proxy, which is trusted: the audit trail names the address it forwards. */
const USER_IP = '203.0.113.7';

describe('audit trail', () => {
  let t: TestApp;
  let admin: ClientWithSecret;
  let adminToken: string;
  let client: ClientWithSecret;
  let user: Awaited<ReturnType<TestApp['createUser']>>;
  /** Every credential the tests handle; none may appear in an audit event. */
  const secrets = new Set<string>();

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.createClient({
      name: 'Admin console',
      redirect_uris: [],
      grant_types: ['client_credentials'],
      scope: 'admin',
    });
    adminToken = (await clientCredentials(admin)).access_token;
    client = await t.createClient({
      redirect_uris: [REDIRECT],
      grant_types: ['authorization_code', 'refresh_token'],
      scope: 'openid profile',
    });
    user = await t.createUser();
    [admin.client_secret!, client.client_secret!, adminToken, user.password].forEach((s) => secrets.add(s));
  });
  afterAll(() => t.close());

  const keep = <T extends Record<string, unknown>>(body: T): T => {
    for (const value of Object.values(body)) if (typeof value === 'string' && value.length >= 20) secrets.add(value);
    return body;
  };

  async function clientCredentials(as: ClientWithSecret) {
    const res = await oauth.token(t.http(), as, { grant_type: 'client_credentials' }).expect(200);
    return res.body as { access_token: string };
  }

  async function code(decision: 'allow' | 'deny' = 'allow') {
    const pkce = pkcePair();
    const params = {
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: REDIRECT,
      scope: 'openid profile',
      prompt: 'consent',
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
    };
    const location = await authorize(t.browser().set('X-Forwarded-For', USER_IP), params, user, decision);
    const value = location.searchParams.get('code');
    if (value) secrets.add(value);
    return { code: value!, verifier: pkce.verifier };
  }

  async function tokens() {
    const { code: value, verifier } = await code();
    const res = await oauth
      .exchange(t.http(), client, { code: value, verifier })
      .set('X-Forwarded-For', USER_IP)
      .expect(200);
    return {
      ...keep(res.body as { access_token: string; refresh_token: string; id_token: string }),
      code: value,
      verifier,
    };
  }

  const list = (query: Record<string, string | number> = {}, token = adminToken) =>
    t
      .http()
      .get(`/admin/audit-events?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]))}`)
      .set('Authorization', `Bearer ${token}`);

  async function events(query: Record<string, string | number>): Promise<AuditEventView[]> {
    const res = await list({ limit: 100, ...query }).expect(200);
    for (const secret of secrets) expect(JSON.stringify(res.body)).not.toContain(secret);
    return res.body.items;
  }

  /** The newest event of this type about the test's client (or as filtered), after `action`. */
  async function after(
    action: () => Promise<unknown>,
    type: AuditEventType,
    filter: Record<string, string> = { client_id: client.client_id },
  ) {
    const before = (await events({ type, ...filter })).length;
    await action();
    const now = await events({ type, ...filter });
    expect(now).toHaveLength(before + 1);
    return now[0];
  }

  describe('records', () => {
    it('a successful login, by the user, from the user’s address', async () => {
      const event = await after(
        async () => {
          const browser = t.browser().set('X-Forwarded-For', USER_IP);
          const page = await browser.get('/login').expect(200);
          await browser
            .post('/login')
            .type('form')
            .send({ ...hiddenFields(page.text), username: user.username, password: user.password })
            .expect(303);
        },
        'login.succeeded',
        { user_id: user.id },
      );
      expect(event).toMatchObject({
        type: 'login.succeeded',
        actor: `user:${user.id}`,
        user_id: user.id,
        client_id: null,
        ip: USER_IP,
      });
      expect(Date.parse(event.created_at)).toBeGreaterThan(Date.now() - 60_000);
    });

    it('a failed login against the account the username names, without what was typed', async () => {
      const browser = t.browser();
      const page = await browser.get('/login').expect(200);
      const event = await after(
        () =>
          browser
            .post('/login')
            .type('form')
            .send({ ...hiddenFields(page.text), username: user.username, password: 'not the password' })
            .expect(401),
        'login.failed',
        { user_id: user.id },
      );
      expect(event).toMatchObject({
        actor: null,
        user_id: user.id,
        ip: '127.0.0.1',
        detail: { reason: 'wrong_password' },
      });
      expect(JSON.stringify(event)).not.toContain('not the password');
    });

    it('a failed login for a username that names nobody, without keeping the username', async () => {
      const typed = uniqueName('typed-a-password-here');
      const failures = await events({ type: 'login.failed' });
      const browser = t.browser();
      const form = hiddenFields((await browser.get('/login').expect(200)).text);
      await browser
        .post('/login')
        .type('form')
        .send({ ...form, username: typed, password: 'whatever' })
        .expect(401);
      const now = await events({ type: 'login.failed' });
      const fresh = now.filter((e) => !failures.some((f) => f.id === e.id));
      expect(fresh.some((e) => e.user_id === null && e.detail.reason === 'unknown_user')).toBe(true);
      expect(JSON.stringify(now)).not.toContain(typed);
    });

    it('consent given and the code issued, by the user, for the client', async () => {
      const given = await events({ type: 'consent.given', client_id: client.client_id });
      const issued = await after(() => code('allow'), 'code.issued');
      expect(await events({ type: 'consent.given', client_id: client.client_id })).toHaveLength(given.length + 1);
      expect(issued).toMatchObject({
        actor: `user:${user.id}`,
        user_id: user.id,
        client_id: client.client_id,
        ip: USER_IP,
        detail: { scope: 'openid profile' },
      });
    });

    it('consent refused, and no code', async () => {
      const issued = (await events({ type: 'code.issued', client_id: client.client_id })).length;
      const refused = await after(() => code('deny'), 'consent.refused');
      expect(refused).toMatchObject({
        actor: `user:${user.id}`,
        user_id: user.id,
        client_id: client.client_id,
        ip: USER_IP,
        detail: { scope: 'openid profile' },
      });
      expect(await events({ type: 'code.issued', client_id: client.client_id })).toHaveLength(issued);
    });

    it('tokens issued at a code exchange, by the client, naming the grant', async () => {
      const event = await after(tokens, 'token.issued');
      expect(event).toMatchObject({
        actor: `client:${client.client_id}`,
        user_id: user.id,
        client_id: client.client_id,
        ip: USER_IP,
        detail: { grant_type: 'authorization_code', scope: 'openid profile', grant_id: expect.any(String) },
      });
    });

    it('tokens issued to a client for itself', async () => {
      const event = await after(() => clientCredentials(admin).then(keep), 'token.issued', {
        client_id: admin.client_id,
      });
      expect(event).toMatchObject({
        actor: `client:${admin.client_id}`,
        user_id: null,
        client_id: admin.client_id,
        ip: '127.0.0.1',
        detail: { grant_type: 'client_credentials', scope: 'admin' },
      });
    });

    it('a refresh', async () => {
      const issued = await tokens();
      const event = await after(
        () =>
          oauth
            .refresh(t.http(), client, issued.refresh_token)
            .set('X-Forwarded-For', USER_IP)
            .expect(200)
            .then((r) => keep(r.body)),
        'token.refreshed',
      );
      const grantId = (await events({ type: 'token.issued', client_id: client.client_id }))[0].detail.grant_id;
      expect(event).toMatchObject({
        actor: `client:${client.client_id}`,
        user_id: user.id,
        client_id: client.client_id,
        ip: USER_IP,
        detail: { grant_id: grantId, scope: 'openid profile' },
      });
    });

    it('revocations of refresh and access tokens, and nothing for a token that changed nothing', async () => {
      const issued = await tokens();
      const refresh = await after(
        () => oauth.revoke(t.http(), client, issued.refresh_token).set('X-Forwarded-For', USER_IP).expect(200),
        'token.revoked',
      );
      expect(refresh).toMatchObject({
        actor: `client:${client.client_id}`,
        user_id: user.id,
        ip: USER_IP,
        detail: { token_type: 'refresh_token', grant_id: expect.any(String) },
      });

      const other = await tokens();
      const access = await after(
        () => oauth.revoke(t.http(), client, other.access_token).set('X-Forwarded-For', USER_IP).expect(200),
        'token.revoked',
      );
      expect(access).toMatchObject({
        user_id: user.id,
        detail: { token_type: 'access_token', jti: expect.any(String) },
      });

      const count = (await events({ type: 'token.revoked', client_id: client.client_id })).length;
      await oauth.revoke(t.http(), client, 'no-such-token').set('X-Forwarded-For', USER_IP).expect(200);
      expect(await events({ type: 'token.revoked', client_id: client.client_id })).toHaveLength(count);
    });

    it('a code redeemed twice', async () => {
      const issued = await tokens();
      const event = await after(
        () => oauth.exchange(t.http(), client, issued).set('X-Forwarded-For', USER_IP).expect(400),
        'code.reuse_detected',
      );
      expect(event).toMatchObject({
        actor: `client:${client.client_id}`,
        user_id: user.id,
        client_id: client.client_id,
        ip: USER_IP,
        detail: { grant_id: expect.any(String) },
      });
    });

    it('a rotated refresh token presented again', async () => {
      const issued = await tokens();
      keep(
        (await oauth.refresh(t.http(), client, issued.refresh_token).set('X-Forwarded-For', USER_IP).expect(200)).body,
      );
      const event = await after(
        () => oauth.refresh(t.http(), client, issued.refresh_token).set('X-Forwarded-For', USER_IP).expect(400),
        'refresh_token.reuse_detected',
      );
      expect(event).toMatchObject({
        actor: `client:${client.client_id}`,
        user_id: user.id,
        client_id: client.client_id,
        ip: USER_IP,
        detail: { grant_id: expect.any(String) },
      });
    });

    it('a client created, changed, given a new secret and deleted through the admin API, by the admin token’s client', async () => {
      const admin$ = (method: 'post' | 'patch' | 'delete', path: string, body?: object) =>
        t.http()[method](path).set('Authorization', `Bearer ${adminToken}`).set('X-Forwarded-For', USER_IP).send(body);
      const created = await admin$('post', '/admin/clients', {
        name: 'Shop',
        redirect_uris: ['https://shop.example/cb'],
        scope: 'openid',
      }).expect(201);
      secrets.add(created.body.client_secret);
      const id = created.body.client_id as string;
      await admin$('patch', `/admin/clients/${id}`, { name: 'Shop 2', scope: 'openid profile' }).expect(200);
      secrets.add((await admin$('post', `/admin/clients/${id}/secret`).expect(201)).body.client_secret);
      await admin$('delete', `/admin/clients/${id}`).expect(204);

      const trail = await events({ client_id: id });
      expect(trail.map((e) => e.type)).toEqual([
        'client.deleted',
        'client.secret_rotated',
        'client.updated',
        'client.created',
      ]);
      for (const event of trail)
        expect(event).toMatchObject({ actor: `client:${admin.client_id}`, user_id: null, client_id: id, ip: USER_IP });
      expect(trail[3].detail).toEqual({ grant_types: ['authorization_code', 'refresh_token'], scope: 'openid' });
      expect(trail[2].detail).toEqual({ fields: ['name', 'scope'], new_secret: false });
    });

    it('an admin action taken with a user’s token, by the user, through the client holding the token', async () => {
      const console = await t.createClient({
        name: 'Admin console',
        redirect_uris: [ISSUED_REDIRECT],
        grant_types: ['authorization_code'],
        scope: 'openid admin',
      });
      const administrator = await t.createUser({ isAdmin: true });
      const exchange = await oauth
        .exchange(t.http(), console, await issueCode(t.app, console.client_id, administrator.id, 'openid admin'))
        .expect(200);
      const { access_token } = keep(exchange.body as { access_token: string });
      const created = await t
        .http()
        .post('/admin/clients')
        .set('Authorization', `Bearer ${access_token}`)
        .set('X-Forwarded-For', USER_IP)
        .send({ name: 'Shop', redirect_uris: ['https://shop.example/cb'], scope: 'openid' })
        .expect(201);
      secrets.add(created.body.client_secret);

      const [event] = await events({ type: 'client.created', client_id: created.body.client_id });
      expect(event).toMatchObject({
        actor: `user:${administrator.id}`,
        user_id: administrator.id,
        client_id: created.body.client_id,
        ip: USER_IP,
        detail: { scope: 'openid', via_client: console.client_id },
      });
    });

    it('a key rotation, with the new keys’ ids', async () => {
      const before = new Date().toISOString();
      const rotated = await t.app.get(KeysService).rotate({ actor: 'cli' }, { now: true });
      const trail = await events({ type: 'keys.rotated', since: before });
      expect(
        trail.find(
          (e) => e.actor === 'cli' && JSON.stringify(e.detail.kids) === JSON.stringify(rotated.keys.map((k) => k.kid)),
        ),
      ).toBeDefined();
    });

    it('does not fail the action when the event cannot be written', async () => {
      const writeFailed = failNextWrite(t.app.get(DataSource), 'audit_events');
      try {
        const res = await oauth.token(t.http(), admin, { grant_type: 'client_credentials' });
        expect(res.status).toBe(200);
        expect(writeFailed()).toBe(true);
      } finally {
        jest.restoreAllMocks();
      }
    });
  });

  describe('GET /admin/audit-events', () => {
    /** A client of its own, so that other tests' events (and other test files', on a shared database) do not count. */
    let own: string;
    let start: string;

    beforeAll(async () => {
      start = new Date(Date.now() - 1).toISOString();
      own = (await t.createClient({ redirect_uris: [REDIRECT] })).client_id;
      for (const name of ['a', 'b', 'c', 'd']) await t.app.get(ClientsService).update(own, { name }, { actor: 'cli' });
    });

    it('pages through events newest first, with the total', async () => {
      const all = await events({ client_id: own });
      expect(all.map((e) => e.type)).toEqual([
        'client.updated',
        'client.updated',
        'client.updated',
        'client.updated',
        'client.created',
      ]);
      expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((a, b) => b - a));

      const first = (await list({ client_id: own, limit: 2 }).expect(200)).body;
      expect(first.total).toBe(5);
      expect(first.items.map((e: AuditEventView) => e.id)).toEqual(all.slice(0, 2).map((e) => e.id));
      const third = (await list({ client_id: own, limit: 2, offset: 4 }).expect(200)).body;
      expect(third).toEqual({ items: [all[4]], total: 5 });
    });

    it('filters by type, user, client and time', async () => {
      expect((await events({ client_id: own, type: 'client.created' })).map((e) => e.type)).toEqual(['client.created']);
      expect(await events({ client_id: own, type: 'token.issued' })).toEqual([]);
      expect((await events({ user_id: user.id })).every((e) => e.user_id === user.id)).toBe(true);
      expect((await events({ user_id: user.id, type: 'login.succeeded' })).length).toBeGreaterThan(0);

      expect(await events({ client_id: own, since: start })).toHaveLength(5);
      expect(await events({ client_id: own, until: start })).toEqual([]);
      const created = (await events({ client_id: own, type: 'client.created' }))[0].created_at;
      expect(await events({ client_id: own, since: created, until: created })).toHaveLength(1);
      expect(await events({ client_id: own, since: new Date(Date.now() + 60_000).toISOString() })).toEqual([]);
      // Any offset is accepted.
      expect(await events({ client_id: own, since: start.replace('Z', '+00:00') })).toHaveLength(5);
    });

    it('answers no-store', async () => {
      const res = await list().expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it.each([
      ['an unknown type', 'type=client.exploded'],
      ['a time that is no time', 'since=yesterday'],
      ['a time without a time zone', 'since=2030-01-01T00:00:00'],
      ['a date that does not exist', 'until=2030-02-30T00:00:00Z'],
      ['since after until', 'since=2030-01-02T00:00:00Z&until=2030-01-01T00:00:00Z'],
      ['a limit of 0', 'limit=0'],
      ['a limit over 100', 'limit=101'],
      ['a negative offset', 'offset=-1'],
      ['a filter given twice', 'type=client.created&type=client.deleted'],
      ['an unknown filter', 'actor=cli'],
    ])('refuses %s with 400 invalid_request', async (_, query) => {
      const res = await t
        .http()
        .get(`/admin/audit-events?${query}`)
        .set('Authorization', `Bearer ${adminToken}`)
        .expect(400);
      expect(res.body).toEqual({ error: 'invalid_request', error_description: expect.any(String) });
    });

    it('refuses a request without a token (401) or with a token lacking admin (403)', async () => {
      const none = await t.http().get('/admin/audit-events').expect(401);
      expect(none.body.error).toBe('invalid_token');
      expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
      const service = await t.createClient({
        name: 'API',
        redirect_uris: [],
        grant_types: ['client_credentials'],
        scope: 'read',
      });
      const res = await list({}, (await clientCredentials(service)).access_token).expect(403);
      expect(res.body.error).toBe('insufficient_scope');
      await list({}, 'garbage').expect(401);
    });
  });
});
