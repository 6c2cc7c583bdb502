import { createHash } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { AuthorizationCodeEntity } from '../src/auth-codes/entities/authorization-code.entity';
import { GrantEntity } from '../src/grants/grant.entity';
import { ClientWithSecret } from '../src/clients/clients.service';
import { createTestApp, TestApp, uniqueName } from './helpers/create-test-app';
import { authorize, pkcePair } from './helpers/oauth-client';
import * as oauth from './helpers/partner';

const REDIRECT = 'https://partner.example/callback';

type Method = 'get' | 'post' | 'patch' | 'delete';

interface Seen {
  label: string;
  res: Response;
  /** Creation, rotation, and a PATCH that makes a public client confidential may show a secret; nothing else. */
  mayShowSecret: boolean;
}

/** Every route and method of the admin API, on a given client id. */
const ROUTES: [string, (id: string, marker: string) => { method: Method; path: string; body?: object }][] = [
  [
    'POST /admin/clients',
    (_, marker) => ({ method: 'post', path: '/admin/clients', body: { name: marker, redirect_uris: [REDIRECT] } }),
  ],
  ['GET /admin/clients', () => ({ method: 'get', path: '/admin/clients?limit=5&offset=0' })],
  ['GET /admin/clients/:id', (id) => ({ method: 'get', path: `/admin/clients/${id}` })],
  [
    'PATCH /admin/clients/:id',
    (id, marker) => ({ method: 'patch', path: `/admin/clients/${id}`, body: { name: marker } }),
  ],
  ['DELETE /admin/clients/:id', (id) => ({ method: 'delete', path: `/admin/clients/${id}` })],
  ['POST /admin/clients/:id/secret', (id) => ({ method: 'post', path: `/admin/clients/${id}/secret` })],
];

function sha256Forms(secret: string): string[] {
  const digest = createHash('sha256').update(secret).digest();
  return [
    digest.toString('hex'),
    digest.toString('hex').toUpperCase(),
    digest.toString('base64'),
    digest.toString('base64url'),
  ];
}

/** Every key of a JSON value, however deep. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)]);
  return [];
}

function b64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('clients administration API', () => {
  let t: TestApp;
  let adminToken: string;
  /** Every client secret the test has learnt, and every response it has received. */
  const secrets = new Set<string>();
  const seen: Seen[] = [];

  function track(label: string, res: Response, mayShowSecret = false): Response {
    seen.push({ label, res, mayShowSecret });
    if (typeof res.body?.client_secret === 'string') secrets.add(res.body.client_secret);
    return res;
  }

  async function createClient(metadata: Parameters<TestApp['createClient']>[0] = {}): Promise<ClientWithSecret> {
    const client = await t.createClient({ name: uniqueName('client'), ...metadata });
    if (client.client_secret) secrets.add(client.client_secret);
    return client;
  }

  /** A call to the admin API as JSON, with the admin token unless told otherwise (null: no Authorization header). */
  async function api(
    method: Method,
    path: string,
    body?: unknown,
    authorization: string | null = `Bearer ${adminToken}`,
  ) {
    let req = t.http()[method](path);
    if (authorization !== null) req = req.set('Authorization', authorization);
    if (body !== undefined) req = req.set('Content-Type', 'application/json').send(JSON.stringify(body));
    const mayShowSecret =
      (method === 'post' && (path === '/admin/clients' || path.endsWith('/secret'))) || method === 'patch';
    return track(`${method.toUpperCase()} ${path}`, await req, mayShowSecret);
  }

  /** RFC 6749 §4.4 with HTTP Basic: the real way to obtain a token for the admin API. */
  async function tokenFor(client: ClientWithSecret, scope?: string): Promise<string> {
    const res = track(
      'POST /oauth/token',
      await oauth.token(t.http(), client, { grant_type: 'client_credentials', ...(scope !== undefined && { scope }) }),
    );
    expect(res.status).toBe(200);
    return res.body.access_token;
  }

  function clientCredentials(clientId: string, secret: string) {
    return oauth.token(t.http(), { client_id: clientId, client_secret: secret }, { grant_type: 'client_credentials' });
  }

  /** Every client the API lists, page by page. */
  async function listAll(): Promise<{ client_id: string; name: string }[]> {
    const items: { client_id: string; name: string }[] = [];
    for (let offset = 0; ; offset += 100) {
      const res = await api('get', `/admin/clients?limit=100&offset=${offset}`);
      expect(res.status).toBe(200);
      items.push(...res.body.items);
      if (offset + 100 >= res.body.total) return items;
    }
  }

  beforeAll(async () => {
    t = await createTestApp();
    const admin = await createClient({
      name: 'Administration console',
      grant_types: ['client_credentials'],
      scope: 'admin',
      redirect_uris: [],
    });
    adminToken = await tokenFor(admin);
  });
  afterAll(() => t.close());

  describe('access control', () => {
    let target: ClientWithSecret;
    let readerToken: string;
    let adminLikeToken: string;
    const intruder = uniqueName('intruder');

    beforeAll(async () => {
      target = await createClient({
        name: 'Target',
        grant_types: ['client_credentials'],
        scope: 'read',
        redirect_uris: [],
      });
      const reader = await createClient({
        grant_types: ['client_credentials'],
        scope: 'read write',
        redirect_uris: [],
      });
      readerToken = await tokenFor(reader);
      // A client that may have `admin` but asked for less: its token lacks the scope.
      const narrow = await createClient({
        grant_types: ['client_credentials'],
        scope: 'admin read',
        redirect_uris: [],
      });
      adminLikeToken = await tokenFor(narrow, 'read');
    });

    it.each(ROUTES)('%s without a token is 401 with a Bearer challenge', async (_, route) => {
      for (const id of [target.client_id, 'no-such-client']) {
        const { method, path, body } = route(id, intruder);
        const res = await api(method, path, body, null);
        expect(res.status).toBe(401);
        expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="oauth"$/);
        expect(res.body).toEqual({ error: 'invalid_token', error_description: expect.any(String) });
      }
    });

    it.each(ROUTES)('%s with a token lacking the admin scope is 403 insufficient_scope', async (_, route) => {
      for (const token of [readerToken, adminLikeToken]) {
        const { method, path, body } = route(target.client_id, intruder);
        const res = await api(method, path, body, `Bearer ${token}`);
        expect(res.status).toBe(403);
        expect(res.body).toEqual({ error: 'insufficient_scope', error_description: expect.any(String) });
        expect(res.headers['www-authenticate']).toMatch(/^Bearer .*error="insufficient_scope"/);
      }
    });

    it.each<[string, () => Promise<string>]>([
      ['garbage', async () => 'Bearer garbage'],
      ['an empty bearer token', async () => 'Bearer '],
      ['another authentication scheme', async () => `Basic ${Buffer.from('admin:admin').toString('base64')}`],
      [
        'a token whose payload was edited to claim admin',
        async () => {
          const [header, payload, signature] = readerToken.split('.');
          const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
          return `Bearer ${header}.${b64url({ ...claims, scope: 'admin' })}.${signature}`;
        },
      ],
      [
        'a token with alg none',
        async () => {
          const header = JSON.parse(Buffer.from(adminToken.split('.')[0], 'base64url').toString());
          const claims = JSON.parse(Buffer.from(adminToken.split('.')[1], 'base64url').toString());
          return `Bearer ${b64url({ ...header, alg: 'none' })}.${b64url(claims)}.`;
        },
      ],
      [
        'a token signed by another key under the provider’s kid',
        async () => {
          const { kid } = JSON.parse(Buffer.from(adminToken.split('.')[0], 'base64url').toString());
          const claims = JSON.parse(Buffer.from(adminToken.split('.')[1], 'base64url').toString());
          const { privateKey } = await generateKeyPair('ES256');
          return `Bearer ${await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid }).sign(privateKey)}`;
        },
      ],
      [
        'a token signed with HS256 using the published public key as the secret',
        async () => {
          const { kid } = JSON.parse(Buffer.from(adminToken.split('.')[0], 'base64url').toString());
          const claims = JSON.parse(Buffer.from(adminToken.split('.')[1], 'base64url').toString());
          const jwks = await t.http().get('/oauth/jwks').expect(200);
          const secret = new TextEncoder().encode(
            JSON.stringify(jwks.body.keys.find((k: { kid: string }) => k.kid === kid)),
          );
          return `Bearer ${await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid }).sign(secret)}`;
        },
      ],
      [
        'a self-made key published nowhere',
        async () => {
          const { privateKey, publicKey } = await generateKeyPair('ES256');
          const kid = (await exportJWK(publicKey)).x!;
          const claims = JSON.parse(Buffer.from(adminToken.split('.')[1], 'base64url').toString());
          return `Bearer ${await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid }).sign(privateKey)}`;
        },
      ],
    ])('every route refuses %s with 401', async (_, authorizationFor) => {
      const authorization = await authorizationFor();
      for (const [, route] of ROUTES) {
        const { method, path, body } = route(target.client_id, intruder);
        const res = await api(method, path, body, authorization);
        expect(res.status).toBe(401);
        expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
        expect(res.body.error).toBe('invalid_token');
      }
    });

    it('does not take an access token from the query string', async () => {
      const res = await api('get', `/admin/clients?access_token=${adminToken}`, undefined, null);
      expect(res.status).toBe(401);
    });

    it('leaves everything as it was after the refused calls', async () => {
      const res = await api('get', `/admin/clients/${target.client_id}`);
      expect(res.status).toBe(200);
      expect(res.body.name).toBe('Target');
      // Not rotated: the secret from registration still works.
      await clientCredentials(target.client_id, target.client_secret!).expect(200);
      expect((await listAll()).filter((c) => c.name === intruder)).toEqual([]);
    });
  });

  describe('registration and administration', () => {
    it('registers a confidential client and shows its secret once, and the secret works at the token endpoint', async () => {
      const name = uniqueName('service');
      const res = await api('post', '/admin/clients', {
        client_name: name,
        redirect_uris: [],
        grant_types: ['client_credentials'],
        scope: 'read write',
        token_endpoint_auth_method: 'client_secret_basic',
      });
      expect(res.status).toBe(201);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toMatchObject({
        client_id: expect.stringMatching(/^[A-Za-z0-9_-]{16,}$/),
        client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{43,}$/),
        client_name: name,
        name,
        redirect_uris: [],
        grant_types: ['client_credentials'],
        scope: 'read write',
        token_endpoint_auth_method: 'client_secret_basic',
        client_id_issued_at: expect.any(Number),
      });
      expect(Math.abs(res.body.client_id_issued_at - Date.now() / 1000)).toBeLessThan(60);

      const token = await clientCredentials(res.body.client_id, res.body.client_secret).expect(200);
      expect(token.body.scope).toBe('read write');

      const read = await api('get', `/admin/clients/${res.body.client_id}`);
      expect(read.status).toBe(200);
      expect(read.headers['cache-control']).toBe('no-store');
      const withoutSecret = { ...res.body };
      delete withoutSecret.client_secret;
      expect(read.body).toEqual(withoutSecret);
    });

    it('registers a public client without a secret', async () => {
      const res = await api('post', '/admin/clients', {
        name: uniqueName('spa'),
        redirect_uris: ['http://127.0.0.1/cb', 'http://[::1]:8080/cb', 'com.example.app:/oauth2redirect', REDIRECT],
        grant_types: ['authorization_code'],
        scope: 'openid profile',
        token_endpoint_auth_method: 'none',
      });
      expect(res.status).toBe(201);
      expect(res.body.client_secret).toBeUndefined();
      expect(res.body.token_endpoint_auth_method).toBe('none');
      expect(res.body.redirect_uris).toEqual([
        'http://127.0.0.1/cb',
        'http://[::1]:8080/cb',
        'com.example.app:/oauth2redirect',
        REDIRECT,
      ]);
    });

    it('fills in the defaults: the code grant, HTTP Basic, no scope', async () => {
      const res = await api('post', '/admin/clients', { name: uniqueName('defaults'), redirect_uris: [REDIRECT] });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        grant_types: ['authorization_code', 'refresh_token'],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: '',
      });
      expect(res.body.client_secret).toEqual(expect.any(String));
    });

    it('lists clients with limit, offset and the total, without secrets', async () => {
      const mine = [await createClient(), await createClient(), await createClient()];
      const all = await listAll();
      const ids = all.map((c) => c.client_id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const client of mine) expect(ids).toContain(client.client_id);

      const first = await api('get', '/admin/clients?limit=2');
      expect(first.status).toBe(200);
      expect(first.headers['cache-control']).toBe('no-store');
      expect(first.body.total).toBeGreaterThanOrEqual(all.length);
      expect(first.body.items.map((c: { client_id: string }) => c.client_id)).toEqual(ids.slice(0, 2));

      const page = await api('get', '/admin/clients?limit=2&offset=1');
      expect(page.body.items.map((c: { client_id: string }) => c.client_id)).toEqual(ids.slice(1, 3));

      const past = await api('get', `/admin/clients?limit=10&offset=${first.body.total + 10}`);
      expect(past.status).toBe(200);
      expect(past.body).toEqual({ items: [], total: expect.any(Number) });

      const defaults = await api('get', '/admin/clients');
      expect(defaults.body.items.length).toBe(Math.min(20, defaults.body.total));
      for (const item of all) expect(Object.keys(item).sort()).toEqual(Object.keys(defaults.body.items[0]).sort());
    });

    it.each([['limit=0'], ['limit=101'], ['limit=abc'], ['offset=-1'], ['limit=1&limit=2'], ['unknown=1']])(
      'refuses a list query with %s (400)',
      async (query) => {
        const res = await api('get', `/admin/clients?${query}`);
        expect(res.status).toBe(400);
        expect(res.body).toEqual({ error: 'invalid_request', error_description: expect.any(String) });
      },
    );

    it('describes a wrong type in a list query as such', async () => {
      const res = await api('get', '/admin/clients?limit=abc');
      expect(res.body.error_description).toMatch(/limit must be an integer/);
    });

    it('changes only the fields a PATCH names, and keeps the change', async () => {
      const client = await createClient({ scope: 'openid profile email' });
      const res = await api('patch', `/admin/clients/${client.client_id}`, {
        scope: 'openid',
        redirect_uris: ['https://partner.example/new'],
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        client_id: client.client_id,
        name: client.name,
        client_name: client.name,
        scope: 'openid',
        redirect_uris: ['https://partner.example/new'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_basic',
      });
      expect(res.body.client_secret).toBeUndefined();
      const read = await api('get', `/admin/clients/${client.client_id}`);
      expect(read.body).toEqual(res.body);

      const renamed = await api('patch', `/admin/clients/${client.client_id}`, { client_name: 'Renamed Partner' });
      expect(renamed.body).toMatchObject({ name: 'Renamed Partner', client_name: 'Renamed Partner', scope: 'openid' });
      const empty = await api('patch', `/admin/clients/${client.client_id}`, {});
      expect(empty.status).toBe(200);
      expect(empty.body).toEqual(renamed.body);
    });

    it('drops the secret of a client made public, and gives a new one, once, to a client made confidential', async () => {
      const client = await createClient();
      // This client may not use client_credentials: unauthorized_client (400) proves it authenticated, invalid_client (401) that it did not.
      await clientCredentials(client.client_id, client.client_secret!).expect(400);

      const pub = await api('patch', `/admin/clients/${client.client_id}`, { token_endpoint_auth_method: 'none' });
      expect(pub.status).toBe(200);
      expect(pub.body.client_secret).toBeUndefined();
      expect((await clientCredentials(client.client_id, client.client_secret!).expect(401)).body.error).toBe(
        'invalid_client',
      );

      const conf = await api('patch', `/admin/clients/${client.client_id}`, {
        token_endpoint_auth_method: 'client_secret_basic',
      });
      expect(conf.status).toBe(200);
      expect(conf.headers['cache-control']).toBe('no-store');
      expect(conf.body.client_secret).toEqual(expect.any(String));
      expect(conf.body.client_secret).not.toBe(client.client_secret);
      expect((await clientCredentials(client.client_id, conf.body.client_secret).expect(400)).body.error).toBe(
        'unauthorized_client',
      );
      expect((await clientCredentials(client.client_id, client.client_secret!).expect(401)).body.error).toBe(
        'invalid_client',
      );
      expect((await api('get', `/admin/clients/${client.client_id}`)).body.client_secret).toBeUndefined();
    });

    it('keeps the secret when a PATCH only moves a client from HTTP Basic to client_secret_post', async () => {
      const client = await createClient({ grant_types: ['client_credentials'], scope: 'read', redirect_uris: [] });
      const res = await api('patch', `/admin/clients/${client.client_id}`, {
        token_endpoint_auth_method: 'client_secret_post',
      });
      expect(res.status).toBe(200);
      expect(res.body.client_secret).toBeUndefined();
      await oauth
        .token(t.http(), null, {
          grant_type: 'client_credentials',
          client_id: client.client_id,
          client_secret: client.client_secret!,
        })
        .expect(200);
      expect((await clientCredentials(client.client_id, client.client_secret!).expect(401)).body.error).toBe(
        'invalid_client',
      );
    });

    it('rotates a secret: the new one works, the old one is refused with invalid_client', async () => {
      const client = await createClient({ grant_types: ['client_credentials'], scope: 'read', redirect_uris: [] });
      await clientCredentials(client.client_id, client.client_secret!).expect(200);

      const res = await api('post', `/admin/clients/${client.client_id}/secret`);
      expect(res.status).toBe(201);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toMatchObject({
        client_id: client.client_id,
        client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{43,}$/),
      });
      expect(res.body.client_secret).not.toBe(client.client_secret);

      const old = await clientCredentials(client.client_id, client.client_secret!).expect(401);
      expect(old.body.error).toBe('invalid_client');
      expect(old.headers['www-authenticate']).toMatch(/^Basic/);
      const fresh = await clientCredentials(client.client_id, res.body.client_secret).expect(200);
      expect(fresh.body.access_token).toEqual(expect.any(String));
      expect((await api('get', `/admin/clients/${client.client_id}`)).body.client_secret).toBeUndefined();
    });

    it('refuses to rotate the secret of a public client', async () => {
      const pub = await createClient({ token_endpoint_auth_method: 'none' });
      const res = await api('post', `/admin/clients/${pub.client_id}/secret`);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_client_metadata', error_description: expect.any(String) });
    });

    it('deletes a client: 204 with no body, then 404 everywhere', async () => {
      const client = await createClient();
      const res = await api('delete', `/admin/clients/${client.client_id}`);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      for (const [, route] of ROUTES.slice(2)) {
        const { method, path, body } = route(client.client_id, uniqueName('x'));
        expect((await api(method, path, body)).status).toBe(404);
      }
      expect((await listAll()).map((c) => c.client_id)).not.toContain(client.client_id);
    });

    it.each(ROUTES.slice(2))('%s of an unknown client is 404', async (_, route) => {
      const { method, path, body } = route('no-such-client', uniqueName('x'));
      const res = await api(method, path, body);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: 'not_found', error_description: expect.any(String) });
    });
  });

  describe('bad registration bodies', () => {
    const marker = uniqueName('bad');
    const valid = { name: marker, redirect_uris: [REDIRECT], grant_types: ['authorization_code'] };
    const withOverrides = (overrides: Record<string, unknown>) =>
      Object.fromEntries(Object.entries({ ...valid, ...overrides }).filter(([, v]) => v !== undefined));

    // Every row has all three entries: jest takes a missing one for a `done` callback.
    it.each<[string, Record<string, unknown>, RegExp | null]>([
      ['an unknown field', { colour: 'red' }, null],
      ['a client_id chosen by the caller', { client_id: 'my-own-id' }, null],
      ['a client_secret chosen by the caller', { client_secret: 'my-own-secret' }, null],
      ['a secret hash', { secret_hash: sha256Forms('x')[0] }, null],
      ['client_id_issued_at', { client_id_issued_at: 0 }, null],
      ['no name', { name: undefined }, null],
      ['an empty name', { name: '' }, null],
      ['a name that is a number', { name: 42 }, /name must be a string/],
      ['a name with a control character', { name: 'Partner\nApp' }, null],
      ['redirect_uris as a string', { redirect_uris: REDIRECT }, /redirect_uris must be an array/],
      ['redirect_uris holding a number', { redirect_uris: [42] }, null],
      [
        'more than 50 redirect URIs',
        { redirect_uris: Array.from({ length: 51 }, (_, i) => `https://partner.example/cb${i}`) },
        null,
      ],
      ['grant_types as a string', { grant_types: 'authorization_code' }, /grant_types must be an array/],
      ['an unknown grant type', { grant_types: ['authorization_code', 'urn:example:unknown'] }, null],
      ['the password grant', { grant_types: ['password'] }, null],
      ['the implicit grant', { grant_types: ['implicit'] }, null],
      ['no grant type at all', { grant_types: [] }, null],
      ['a scope that is not a string', { scope: ['openid'] }, /scope must be a string/],
      ['a malformed scope', { scope: 'openid  profile' }, null],
      ['a scope with a quote', { scope: 'openid "x"' }, null],
      ['an unsupported authentication method', { token_endpoint_auth_method: 'private_key_jwt' }, null],
      ['an authentication method that is not a string', { token_endpoint_auth_method: true }, null],
      [
        'a public client with client_credentials',
        { token_endpoint_auth_method: 'none', grant_types: ['client_credentials'], redirect_uris: [] },
        null,
      ],
      [
        'a public client with client_credentials beside the code grant',
        { token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'client_credentials'] },
        null,
      ],
    ])('refuses %s with invalid_client_metadata', async (_, overrides, description) => {
      const res = await api('post', '/admin/clients', withOverrides(overrides));
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_client_metadata', error_description: expect.any(String) });
      if (description) expect(res.body.error_description).toMatch(description);
    });

    it.each<[string, string]>([
      ['a wildcard host', 'https://*.partner.example/callback'],
      ['a wildcard path', 'https://partner.example/*'],
      ['a fragment', `${REDIRECT}#section`],
      ['an empty fragment', `${REDIRECT}#`],
      ['javascript:', 'javascript:alert(1)'],
      ['JavaScript: in mixed case', 'JavaScript:alert(document.cookie)'],
      ['JAVASCRIPT: in capitals, looking like a URL', 'JAVASCRIPT://partner.example/%0Aalert(1)'],
      ['data:', 'data:text/html,<script>alert(1)</script>'],
      ['DATA: in capitals', 'DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=='],
      ['dAtA: in mixed case', 'dAtA:,hello'],
      ['vbscript:', 'vbscript:msgbox(1)'],
      ['file:', 'file:///etc/passwd'],
      ['http to a public host', 'http://partner.example/callback'],
      ['HTTP in capitals to a public host', 'HTTP://partner.example/callback'],
      ['http to a host that begins like a loopback address', 'http://127.0.0.1.evil.example/callback'],
      ['http to a host that begins like localhost', 'http://localhost.evil.example/callback'],
      ['http to a public host behind loopback userinfo', 'http://127.0.0.1@evil.example/callback'],
      ['user information', 'https://user:pass@partner.example/callback'],
      ['a relative path', '/callback'],
      ['a host without a scheme', 'partner.example/callback'],
      ['a scheme-relative URI', '//partner.example/callback'],
      ['a space', 'https://partner.example/call back'],
      ['a line break', 'https://partner.example/callback\r\nX-Injected: 1'],
      ['an empty string', ''],
    ])('refuses a redirect URI with %s with invalid_redirect_uri', async (_, uri) => {
      const res = await api('post', '/admin/clients', withOverrides({ redirect_uris: [REDIRECT, uri] }));
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_redirect_uri', error_description: expect.any(String) });
    });

    it('refuses a javascript: post-logout redirect URI with invalid_redirect_uri', async () => {
      const res = await api(
        'post',
        '/admin/clients',
        withOverrides({ post_logout_redirect_uris: ['javascript:alert(1)'] }),
      );
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_redirect_uri', error_description: expect.any(String) });
    });

    it.each([
      ['no redirect_uris', { redirect_uris: undefined }],
      ['an empty redirect_uris', { redirect_uris: [] }],
    ])('refuses the code grant with %s (invalid_redirect_uri)', async (_, overrides) => {
      const res = await api('post', '/admin/clients', withOverrides(overrides));
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_redirect_uri', error_description: expect.any(String) });
    });

    it.each<[string, string]>([
      ['a JSON array', JSON.stringify([valid])],
      ['a JSON string', JSON.stringify('hello')],
      ['a JSON number', '42'],
    ])('refuses a body that is %s (400)', async (_, raw) => {
      const res = track(
        'POST /admin/clients',
        await t
          .http()
          .post('/admin/clients')
          .set('Authorization', `Bearer ${adminToken}`)
          .set('Content-Type', 'application/json')
          .send(raw),
        true,
      );
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_client_metadata', error_description: expect.any(String) });
    });

    it('refuses a body that is not JSON (400, no server error)', async () => {
      const res = track(
        'POST /admin/clients',
        await t
          .http()
          .post('/admin/clients')
          .set('Authorization', `Bearer ${adminToken}`)
          .set('Content-Type', 'application/json')
          .send('{"name": '),
        true,
      );
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: expect.any(String), error_description: expect.any(String) });
    });

    it.each<[string, 'confidential' | 'public', Record<string, unknown>, string]>([
      [
        'a javascript: redirect URI',
        'confidential',
        { redirect_uris: ['javascript:alert(1)'] },
        'invalid_redirect_uri',
      ],
      ['no redirect URI for the code grant', 'confidential', { redirect_uris: [] }, 'invalid_redirect_uri'],
      ['a field the caller may not set', 'confidential', { client_secret: 'mine' }, 'invalid_client_metadata'],
      ['an unknown grant type', 'confidential', { grant_types: ['password'] }, 'invalid_client_metadata'],
      [
        'a switch to public while allowed client_credentials',
        'confidential',
        { token_endpoint_auth_method: 'none', grant_types: ['client_credentials'] },
        'invalid_client_metadata',
      ],
      [
        'client_credentials for a public client',
        'public',
        { grant_types: ['authorization_code', 'client_credentials'] },
        'invalid_client_metadata',
      ],
    ])('refuses a PATCH with %s and changes nothing', async (_, kind, body, error) => {
      const client = await createClient(kind === 'public' ? { token_endpoint_auth_method: 'none' } : {});
      const before = await api('get', `/admin/clients/${client.client_id}`);
      const res = await api('patch', `/admin/clients/${client.client_id}`, body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error, error_description: expect.any(String) });
      expect((await api('get', `/admin/clients/${client.client_id}`)).body).toEqual(before.body);
    });

    it('registered none of the refused clients', async () => {
      expect((await listAll()).filter((c) => c.name === marker)).toEqual([]);
    });
  });

  describe('deleting a client', () => {
    it('kills its access tokens and its unredeemed codes at once', async () => {
      const victim = await createClient({
        name: uniqueName('victim'),
        grant_types: ['authorization_code', 'client_credentials'],
        scope: 'openid admin',
        redirect_uris: [REDIRECT],
      });
      const ownToken = await tokenFor(victim);
      expect((await api('get', '/admin/clients?limit=1', undefined, `Bearer ${ownToken}`)).status).toBe(200);

      // A user's token (redeemed code) and a code not yet redeemed, each from a user of its own.
      const codeFor = async () => {
        const pkce = pkcePair();
        const location = await authorize(
          t.browser(),
          {
            response_type: 'code',
            client_id: victim.client_id,
            redirect_uri: REDIRECT,
            scope: 'openid',
            code_challenge: pkce.challenge,
            code_challenge_method: 'S256',
          },
          await t.createUser(),
        );
        return { code: location.searchParams.get('code')!, verifier: pkce.verifier };
      };
      const redeem = ({ code, verifier }: { code: string; verifier: string }) =>
        oauth.token(t.http(), victim, {
          grant_type: 'authorization_code',
          code,
          redirect_uri: REDIRECT,
          code_verifier: verifier,
        });
      const userToken = (await redeem(await codeFor()).expect(200)).body.access_token;
      expect((await api('get', '/admin/clients?limit=1', undefined, `Bearer ${userToken}`)).status).toBe(403);
      const pending = await codeFor();

      expect((await api('delete', `/admin/clients/${victim.client_id}`)).status).toBe(204);

      for (const token of [ownToken, userToken]) {
        const res = await api('get', '/admin/clients?limit=1', undefined, `Bearer ${token}`);
        expect(res.status).toBe(401);
        expect(res.body.error).toBe('invalid_token');
        expect(res.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_token"/);
      }
      const res = await redeem(pending).expect(401);
      expect(res.body.error).toBe('invalid_client');
      // Not merely unusable by a missing client: the codes and grants themselves are gone.
      const db = t.app.get(DataSource);
      expect(await db.getRepository(AuthorizationCodeEntity).countBy({ clientId: victim.client_id })).toBe(0);
      expect(await db.getRepository(GrantEntity).countBy({ clientId: victim.client_id })).toBe(0);
    });
  });

  it('never shows a secret outside creation and rotation, nor the SHA-256 of any secret, in any response', async () => {
    expect(secrets.size).toBeGreaterThan(5);
    expect(seen.length).toBeGreaterThan(100);
    const hashes = [...secrets].flatMap(sha256Forms);
    for (const { label, res, mayShowSecret } of seen) {
      const text = `${JSON.stringify(res.headers)}\n${res.text ?? ''}`;
      for (const hash of hashes) expect({ label, leaks: text.includes(hash) }).toEqual({ label, leaks: false });
      const shown = mayShowSecret && res.status < 300 ? res.body?.client_secret : undefined;
      for (const secret of secrets) {
        if (secret !== shown) expect({ label, leaks: text.includes(secret) }).toEqual({ label, leaks: false });
      }
      const keys = keysOf(res.body).filter((k) => /secret|hash/i.test(k) && !(k === 'client_secret' && shown));
      expect({ label, keys }).toEqual({ label, keys: [] });
    }
  });
});
