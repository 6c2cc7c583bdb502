import { DataSource } from 'typeorm';
import { AuditEventEntity } from '../src/audit/audit-event.entity';
import { ClientWithSecret } from '../src/clients/clients.service';
import { createTestApp, TestApp, uniqueName } from './helpers/create-test-app';
import { authorizeUrl, hiddenFields, pkcePair, signIn } from './helpers/oauth-client';
import * as oauth from './helpers/partner';

const REDIRECT = 'https://partner.example/callback';

type Method = 'get' | 'post' | 'patch' | 'delete';

/** A scope name no other API of this database (shared between runs on MySQL) defines. */
const scopeName = (prefix: string) => `${uniqueName(prefix)}:read`;

describe('APIs administration API', () => {
  let t: TestApp;
  let adminToken: string;

  async function api(method: Method, path: string, body?: unknown, authorization = `Bearer ${adminToken}`) {
    let req = t.http()[method](path).set('Authorization', authorization);
    if (body !== undefined) req = req.set('Content-Type', 'application/json').send(JSON.stringify(body));
    return req;
  }

  /** A new API with one scope of its own; its identifier and scope are unique to this run. */
  async function newApi(overrides: Record<string, unknown> = {}) {
    const res = await api('post', '/admin/apis', {
      identifier: `https://${uniqueName('api')}.example/v1`,
      name: 'Photos',
      scopes: [{ name: scopeName('photos'), description: 'See your photos' }],
      ...overrides,
    });
    expect(res.status).toBe(201);
    return res.body as { id: string; identifier: string; scopes: { name: string; description: string }[] };
  }

  function expectInvalid(res: { status: number; body: { error?: string; error_description?: string } }, words: RegExp) {
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.body.error_description).toMatch(words);
  }

  beforeAll(async () => {
    t = await createTestApp();
    const admin: ClientWithSecret = await t.createClient({
      name: 'Administration console',
      grant_types: ['client_credentials'],
      scope: 'admin',
      redirect_uris: [],
    });
    const res = await oauth.token(t.http(), admin, { grant_type: 'client_credentials' }).expect(200);
    adminToken = res.body.access_token;
  });
  afterAll(() => t.close());

  it('creates, lists, reads, changes and deletes an API, each change audited', async () => {
    const identifier = `https://${uniqueName('billing')}.example`;
    const scope = scopeName('billing');
    const created = await api('post', '/admin/apis', {
      identifier,
      name: 'Billing',
      scopes: [{ name: scope, description: 'See your invoices' }],
      access_token_ttl: 600,
    });
    expect(created.status).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    expect(created.body).toEqual({
      id: expect.any(String),
      identifier,
      name: 'Billing',
      scopes: [{ name: scope, description: 'See your invoices' }],
      access_token_ttl: 600,
      token_format: 'jwt',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const { id } = created.body;

    const page = await api('get', '/admin/apis?limit=100&offset=0');
    expect(page.status).toBe(200);
    expect(page.body.total).toBeGreaterThanOrEqual(1);
    const all = [];
    for (let offset = 0; offset < page.body.total; offset += 100) {
      all.push(...(await api('get', `/admin/apis?limit=100&offset=${offset}`)).body.items);
    }
    expect(all).toContainEqual(created.body);
    expect((await api('get', '/admin/apis?limit=101')).status).toBe(400);

    expect((await api('get', `/admin/apis/${id}`)).body).toEqual(created.body);

    const changed = await api('patch', `/admin/apis/${id}`, {
      name: 'Billing v2',
      scopes: [
        { name: scope, description: 'See and pay your invoices' },
        { name: `${scope}2`, description: 'More' },
      ],
      access_token_ttl: 900,
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ name: 'Billing v2', access_token_ttl: 900, identifier });
    expect(changed.body.scopes).toHaveLength(2);

    expect((await api('delete', `/admin/apis/${id}`)).status).toBe(204);
    expect((await api('get', `/admin/apis/${id}`)).status).toBe(404);
    expect((await api('delete', `/admin/apis/${id}`)).status).toBe(404);

    const events = await t.app
      .get(DataSource)
      .getRepository(AuditEventEntity)
      .find({ where: [{ type: 'api.created' }, { type: 'api.updated' }, { type: 'api.deleted' }] });
    const ours = events.filter((event) => (event.detail as { api_id?: string } | null)?.api_id === id);
    expect(ours.map((event) => event.type).sort()).toEqual(['api.created', 'api.deleted', 'api.updated']);
    expect(ours.every((event) => event.actor?.startsWith('client:'))).toBe(true);
  });

  it('answers only an admin token', async () => {
    expect((await api('get', '/admin/apis', undefined, 'Bearer nonsense')).status).toBe(401);
    const partner = await t.createClient({ grant_types: ['client_credentials'], scope: 'read', redirect_uris: [] });
    const token = (await oauth.token(t.http(), partner, { grant_type: 'client_credentials' }).expect(200)).body;
    const res = await api('get', '/admin/apis', undefined, `Bearer ${token.access_token}`);
    expect(res.status).toBe(403);
  });

  it('refuses identifiers that are not absolute URIs without fragment, and one already registered', async () => {
    for (const identifier of ['api.example', '/relative', 'https://api.example/#x', 'https://api .example', '']) {
      const res = await api('post', '/admin/apis', { identifier, name: 'Bad' });
      expectInvalid(res, /identifier/);
    }
    const existing = await newApi();
    const twice = await api('post', '/admin/apis', { identifier: existing.identifier, name: 'Again' });
    expectInvalid(twice, /already exists/);
  });

  it('refuses a scope another API defines, a built-in scope, a scope twice and a name outside RFC 6749 §3.3', async () => {
    const taken = (await newApi()).scopes[0].name;
    expectInvalid(
      await api('post', '/admin/apis', {
        identifier: `https://${uniqueName('other')}.example`,
        name: 'Other',
        scopes: [{ name: taken, description: 'Mine too' }],
      }),
      new RegExp(`scope ${taken} is already defined by the API`),
    );
    for (const builtIn of ['openid', 'profile', 'email', 'offline_access', 'admin']) {
      expectInvalid(
        await newApiRequest([{ name: builtIn, description: 'Ours' }]),
        new RegExp(`scope ${builtIn} is built in`),
      );
    }
    const name = scopeName('twice');
    expectInvalid(
      await newApiRequest([
        { name, description: 'One' },
        { name, description: 'Two' },
      ]),
      /listed twice/,
    );
    for (const bad of ['two words', 'quote"d', 'back\\slash', 'é']) {
      expectInvalid(await newApiRequest([{ name: bad, description: 'Bad' }]), /scope-token/);
    }
    expectInvalid(await newApiRequest([{ name: scopeName('nodesc') }]), /description/);

    // An update cannot take another API's scope either.
    const mine = await newApi();
    expectInvalid(
      await api('patch', `/admin/apis/${mine.id}`, { scopes: [{ name: taken, description: 'x' }] }),
      /already defined/,
    );
  });

  function newApiRequest(scopes: unknown[]) {
    return api('post', '/admin/apis', { identifier: `https://${uniqueName('bad')}.example`, name: 'Bad', scopes });
  }

  it('refuses unknown fields, a changed identifier, a lifetime out of bounds and opaque tokens (not issued yet)', async () => {
    const base = { identifier: `https://${uniqueName('x')}.example`, name: 'X' };
    expectInvalid(await api('post', '/admin/apis', { ...base, audience: 'x' }), /audience should not exist/);
    expectInvalid(
      await api('post', '/admin/apis', { ...base, scopes: [{ name: scopeName('u'), description: 'd', extra: 1 }] }),
      /extra should not exist/,
    );
    expectInvalid(await api('post', '/admin/apis', { ...base, access_token_ttl: 59 }), /access_token_ttl/);
    expectInvalid(await api('post', '/admin/apis', { ...base, access_token_ttl: 86_401 }), /access_token_ttl/);
    expectInvalid(await api('post', '/admin/apis', { ...base, token_format: 'paseto' }), /token_format/);
    expectInvalid(await api('post', '/admin/apis', { ...base, token_format: 'opaque' }), /opaque.*not supported/);
    expectInvalid(await api('post', '/admin/apis', { identifier: base.identifier }), /name is required/);
    const existing = await newApi();
    expectInvalid(
      await api('patch', `/admin/apis/${existing.id}`, { identifier: 'https://else.example' }),
      /identifier should not exist/,
    );
  });

  describe('known scopes only', () => {
    it('refuses to register or change a client with a scope no API defines, naming it', async () => {
      const created = await api('post', '/admin/clients', {
        name: 'Greedy',
        redirect_uris: [REDIRECT],
        scope: 'openid superuser',
      });
      expect(created.status).toBe(400);
      expect(created.body).toMatchObject({
        error: 'invalid_client_metadata',
        error_description: 'scope superuser is defined by no API',
      });

      const { scopes } = await newApi();
      const client = await api('post', '/admin/clients', {
        name: 'Photos app',
        redirect_uris: [REDIRECT],
        scope: `openid ${scopes[0].name}`,
      });
      expect(client.status).toBe(201);
      const patched = await api('patch', `/admin/clients/${client.body.client_id}`, { scope: 'openid nope' });
      expect(patched.status).toBe(400);
      expect(patched.body.error_description).toBe('scope nope is defined by no API');
    });

    it('refuses to delete an API, or drop a scope, that clients hold, naming how many', async () => {
      const photos = await newApi();
      const scope = photos.scopes[0].name;
      for (const name of ['One', 'Two']) {
        await t.createClient({ name, scope: `openid ${scope}` });
      }
      const refused = await api('delete', `/admin/apis/${photos.id}`);
      expectInvalid(refused, /cannot delete the API: 2 clients hold/);
      expectInvalid(await api('patch', `/admin/apis/${photos.id}`, { scopes: [] }), /cannot remove: 2 clients hold/);
      expect((await api('get', `/admin/apis/${photos.id}`)).status).toBe(200);
    });
  });

  it('publishes the OpenID scopes and every API scope in both discovery documents', async () => {
    const { scopes, id } = await newApi();
    for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
      const document = (await t.http().get(path).expect(200)).body;
      expect(document.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'email', scopes[0].name]));
      expect(document.scopes_supported).not.toContain('admin');
    }
    // A change to the registry shows at once.
    await api('patch', `/admin/apis/${id}`, { scopes: [{ name: `${scopes[0].name}x`, description: 'Renamed' }] });
    const after = (await t.http().get('/.well-known/openid-configuration').expect(200)).body.scopes_supported;
    expect(after).toContain(`${scopes[0].name}x`);
    expect(after).not.toContain(scopes[0].name);
  });

  it('describes an API scope on the consent page and the account page in the words of its API', async () => {
    const { scopes } = await newApi({
      scopes: [{ name: scopeName('albums'), description: 'See & share your albums' }],
    });
    const partner = await t.createClient({ scope: `openid ${scopes[0].name}` });
    const user = await t.createUser();
    const browser = t.browser();
    await signIn(browser, user.username, user.password);
    const page = await browser
      .get(
        authorizeUrl({
          response_type: 'code',
          client_id: partner.client_id,
          redirect_uri: REDIRECT,
          scope: `openid ${scopes[0].name}`,
          state: 'st',
          code_challenge: pkcePair().challenge,
          code_challenge_method: 'S256',
        }),
      )
      .expect(200);
    expect(page.text).toContain('See &amp; share your albums');
    expect(page.text).toContain(scopes[0].name);

    await browser
      .post('/oauth/authorize')
      .type('form')
      .send({ ...hiddenFields(page.text), decision: 'allow' })
      .expect(303);
    const account = await browser.get('/account').expect(200);
    expect(account.text).toContain('See &amp; share your albums');
  });
});
