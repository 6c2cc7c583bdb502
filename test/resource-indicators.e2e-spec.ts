import { decodeJwt, JWTPayload, SignJWT } from 'jose';
import type { Response } from 'supertest';
import { ClientWithSecret } from '../src/clients/clients.service';
import { KeysService } from '../src/keys/keys.service';
import { createTestApp, TEST_API, TestApp, uniqueName } from './helpers/create-test-app';
import { issueCode } from './helpers/issue-code';
import { AuthorizeParams, authorizeWithPkce } from './helpers/oauth-client';
import * as oauth from './helpers/partner';

const ISSUER = 'http://localhost:3000';
const TOLERANCE = 30;
/** The second API's token lifetime: other than ACCESS_TOKEN_TTL (3600), so that the test sees which one is used. */
const LEDGER_TTL = 7200;

type Method = 'get' | 'post' | 'patch' | 'delete';

describe('resource indicators (RFC 8707)', () => {
  let t: TestApp;
  let adminToken: string;
  /** A second API, registered through the administration API, with scopes of its own. */
  let ledger: { id: string; identifier: string; read: string; write: string };
  /** A partner allowed the OpenID scopes, some of the Test API's and both of the ledger's. */
  let partner: ClientWithSecret;
  let user: Awaited<ReturnType<TestApp['createUser']>>;

  /** The administration API, as an administrator's tool calls it. */
  function admin(method: Method, path: string, body?: unknown, token = adminToken) {
    const req = t.http()[method](path).set('Authorization', `Bearer ${token}`);
    return body === undefined ? req : req.set('Content-Type', 'application/json').send(JSON.stringify(body));
  }

  async function registerApi(scopes: string[], ttl?: number) {
    const res = await admin('post', '/admin/apis', {
      identifier: `https://${uniqueName('api')}.example/v1`,
      name: 'Ledger',
      scopes: scopes.map((name) => ({ name, description: `Use ${name}` })),
      ...(ttl && { access_token_ttl: ttl }),
    });
    expect(res.status).toBe(201);
    return res.body as { id: string; identifier: string };
  }

  const claimsOf = (res: Response) => decodeJwt(res.body.access_token as string);

  /** Walks login and consent for `params` over a complete request of the partner. */
  async function authorizeAs(params: AuthorizeParams, client: { client_id: string } = partner) {
    const { location, verifier } = await authorizeWithPkce(t.browser(), client, user, {
      state: 'resource-state',
      ...params,
    });
    return { location, code: location.searchParams.get('code'), verifier };
  }

  /** The error an authorization request was redirected back with (RFC 6749 §4.1.2.1). */
  async function authorizeError(params: AuthorizeParams) {
    const { location } = await authorizeAs(params);
    expect(location.searchParams.get('code')).toBeNull();
    return {
      error: location.searchParams.get('error'),
      state: location.searchParams.get('state'),
      iss: location.searchParams.get('iss'),
    };
  }

  /** A code for the partner, as consent makes it, and its redemption. */
  async function code(scope: string, resource?: string) {
    return issueCode(t.app, partner.client_id, user.id, scope, { resource });
  }

  beforeAll(async () => {
    t = await createTestApp({ CLOCK_TOLERANCE: String(TOLERANCE) });
    const administrator = await t.createClient({
      name: 'Administration',
      grant_types: ['client_credentials'],
      scope: 'admin',
      redirect_uris: [],
    });
    adminToken = (await oauth.clientCredentials(t.http(), administrator).expect(200)).body.access_token;
    const prefix = uniqueName('ledger');
    const [read, write] = [`${prefix}:read`, `${prefix}:write`];
    ledger = { ...(await registerApi([read, write], LEDGER_TTL)), read, write };
    partner = await t.createClient({
      grant_types: ['authorization_code', 'refresh_token'],
      scope: `openid profile read write ${read} ${write}`,
    });
    user = await t.createUser();
  });
  afterAll(() => t?.close());

  describe('at the authorization endpoint', () => {
    it('issues a code for the API named; its access token has the API as audience, only its scopes and its lifetime', async () => {
      const { code, verifier } = await authorizeAs({
        resource: ledger.identifier,
        scope: `openid profile ${ledger.read}`,
      });
      const res = await oauth.exchange(t.http(), partner, { code: code!, verifier }).expect(200);
      expect(res.body).toEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: LEDGER_TTL,
        scope: ledger.read,
        refresh_token: expect.any(String),
        id_token: expect.any(String),
      });
      const claims = claimsOf(res);
      expect(claims).toMatchObject({ aud: ledger.identifier, scope: ledger.read, sub: user.id });
      expect(claims.exp! - claims.iat!).toBe(LEDGER_TTL);
      // The ID token is the client's, whatever the resource (OpenID Connect Core §2).
      expect(decodeJwt(res.body.id_token as string).aud).toBe(partner.client_id);
    });

    it('takes the same resource given twice as that one resource', async () => {
      const { code, verifier } = await authorizeAs({
        resource: [ledger.identifier, ledger.identifier],
        scope: ledger.read,
      });
      const res = await oauth.exchange(t.http(), partner, { code: code!, verifier }).expect(200);
      expect(claimsOf(res).aud).toBe(ledger.identifier);
    });

    it('asks, without scope, for the registered scopes that go with the resource: its own and the OpenID ones', async () => {
      const { code, verifier } = await authorizeAs({ resource: ledger.identifier, scope: undefined });
      const res = await oauth.exchange(t.http(), partner, { code: code!, verifier }).expect(200);
      expect(res.body.scope).toBe(`${ledger.read} ${ledger.write}`);
      expect(res.body.id_token).toEqual(expect.any(String));
    });

    it.each<[string, () => AuthorizeParams]>([
      ['an unknown resource', () => ({ resource: 'https://unknown.example/api' })],
      ['a resource that is no absolute URI', () => ({ resource: '/relative/api' })],
      ['a resource with a fragment', () => ({ resource: `${ledger.identifier}#part` })],
      ['two different resources', () => ({ resource: [ledger.identifier, TEST_API.identifier] })],
      ['a scope of another API than the resource', () => ({ resource: ledger.identifier, scope: 'openid read' })],
    ])('sends invalid_target back to the client for %s, with its state and iss', async (_, params) => {
      expect(await authorizeError(params())).toEqual({ error: 'invalid_target', state: 'resource-state', iss: ISSUER });
    });
  });

  describe('at the token endpoint, redeeming a code', () => {
    it('without a resource anywhere, issues the token for the provider itself, as before resource indicators', async () => {
      const res = await oauth.exchange(t.http(), partner, await code('openid profile read')).expect(200);
      expect(res.body).toMatchObject({ expires_in: 3600, scope: 'openid profile read' });
      expect(claimsOf(res)).toMatchObject({ aud: ISSUER, scope: 'openid profile read' });
    });

    it('takes the resource authorized, sent again', async () => {
      const issued = await code(`openid ${ledger.write}`, ledger.identifier);
      const res = await oauth.exchange(t.http(), partner, issued, { resource: ledger.identifier }).expect(200);
      expect(claimsOf(res)).toMatchObject({ aud: ledger.identifier, scope: ledger.write });
    });

    it('refuses with invalid_target a resource other than the one authorized, and the code stays redeemable', async () => {
      const issued = await code(`openid ${ledger.read}`, ledger.identifier);
      oauth.expectOAuthError(
        await oauth.exchange(t.http(), partner, issued, { resource: TEST_API.identifier }),
        400,
        'invalid_target',
      );
      await oauth.exchange(t.http(), partner, issued).expect(200);
    });

    it('refuses with invalid_target a resource for a code authorized without one', async () => {
      const issued = await code('openid read');
      oauth.expectOAuthError(
        await oauth.exchange(t.http(), partner, issued, { resource: TEST_API.identifier }),
        400,
        'invalid_target',
      );
    });

    it('refuses with invalid_target an unknown resource, and two different ones', async () => {
      const issued = await code(`openid ${ledger.read}`, ledger.identifier);
      oauth.expectOAuthError(
        await oauth.exchange(t.http(), partner, issued, { resource: 'https://unknown.example' }),
        400,
        'invalid_target',
      );
      const twice = new URLSearchParams([
        ['grant_type', 'authorization_code'],
        ['code', issued.code],
        ['redirect_uri', oauth.PARTNER_REDIRECT],
        ['code_verifier', issued.verifier],
        ['resource', ledger.identifier],
        ['resource', TEST_API.identifier],
      ]).toString();
      const res = await oauth.token(t.http(), partner, twice);
      oauth.expectOAuthError(res, 400, 'invalid_target');
      expect(res.body.error_description).toMatch(/one resource/);
    });
  });

  describe('at the token endpoint, refreshing', () => {
    async function refreshToken(resource?: string) {
      const scope = resource ? `openid ${ledger.read} ${ledger.write}` : 'openid read write';
      const res = await oauth.exchange(t.http(), partner, await code(scope, resource)).expect(200);
      return res.body.refresh_token as string;
    }

    it('keeps the grant’s resource without one, and with it named', async () => {
      const first = await oauth.refresh(t.http(), partner, await refreshToken(ledger.identifier)).expect(200);
      expect(claimsOf(first)).toMatchObject({ aud: ledger.identifier, scope: `${ledger.read} ${ledger.write}` });
      expect(first.body.expires_in).toBe(LEDGER_TTL);
      const second = await oauth
        .refresh(t.http(), partner, first.body.refresh_token as string, { resource: ledger.identifier })
        .expect(200);
      expect(claimsOf(second).aud).toBe(ledger.identifier);
    });

    it('narrows the access token to the scope asked for, within the API’s share', async () => {
      const res = await oauth
        .refresh(t.http(), partner, await refreshToken(ledger.identifier), {
          resource: ledger.identifier,
          scope: `openid ${ledger.read}`,
        })
        .expect(200);
      expect(res.body.scope).toBe(ledger.read);
      expect(claimsOf(res)).toMatchObject({ aud: ledger.identifier, scope: ledger.read });
      expect(res.body.id_token).toEqual(expect.any(String));
    });

    it('refuses with invalid_target another resource than the grant’s, and leaves the refresh token unspent', async () => {
      const token = await refreshToken(ledger.identifier);
      oauth.expectOAuthError(
        await oauth.refresh(t.http(), partner, token, { resource: TEST_API.identifier }),
        400,
        'invalid_target',
      );
      await oauth.refresh(t.http(), partner, token).expect(200);
    });

    it('refuses with invalid_target a resource for a grant made without one', async () => {
      const token = await refreshToken();
      oauth.expectOAuthError(
        await oauth.refresh(t.http(), partner, token, { resource: TEST_API.identifier }),
        400,
        'invalid_target',
      );
      expect(claimsOf(await oauth.refresh(t.http(), partner, token).expect(200)).aud).toBe(ISSUER);
    });
  });

  describe('client credentials', () => {
    let service: ClientWithSecret;

    beforeAll(async () => {
      service = await t.createClient({
        grant_types: ['client_credentials'],
        scope: `read write ${ledger.read}`,
        redirect_uris: [],
      });
    });

    it('issues a token for the resource named, with the API’s share of the registered scope', async () => {
      const res = await oauth.clientCredentials(t.http(), service, { resource: TEST_API.identifier }).expect(200);
      expect(res.body).toMatchObject({ scope: 'read write', expires_in: 3600 });
      expect(claimsOf(res)).toMatchObject({ aud: TEST_API.identifier, sub: service.client_id, scope: 'read write' });
    });

    it('issues, without a resource, a token for the provider with the whole registered scope, as before', async () => {
      const res = await oauth.clientCredentials(t.http(), service).expect(200);
      expect(claimsOf(res)).toMatchObject({ aud: ISSUER, scope: `read write ${ledger.read}` });
    });

    it('refuses with invalid_target a scope of another API, and an unknown resource', async () => {
      oauth.expectOAuthError(
        await oauth.clientCredentials(t.http(), service, { resource: ledger.identifier, scope: 'read' }),
        400,
        'invalid_target',
      );
      oauth.expectOAuthError(
        await oauth.clientCredentials(t.http(), service, { resource: 'urn:example:nothing' }),
        400,
        'invalid_target',
      );
    });
  });

  describe('a client’s default resource', () => {
    let defaulted: ClientWithSecret;

    beforeAll(async () => {
      const res = await admin('post', '/admin/clients', {
        name: 'Ledger partner',
        redirect_uris: [oauth.PARTNER_REDIRECT],
        grant_types: ['authorization_code', 'client_credentials'],
        scope: `openid ${ledger.read}`,
        default_resource: ledger.identifier,
      });
      expect(res.status).toBe(201);
      defaulted = res.body as ClientWithSecret;
    });

    it('is shown by the administration API', async () => {
      const res = await admin('get', `/admin/clients/${defaulted.client_id}`).expect(200);
      expect(res.body.default_resource).toBe(ledger.identifier);
      expect((await admin('get', `/admin/clients/${partner.client_id}`).expect(200)).body.default_resource).toBeNull();
    });

    it('is the resource of a request that names none, at the authorization endpoint and for client credentials', async () => {
      const { code, verifier } = await authorizeAs({ scope: `openid ${ledger.read}` }, defaulted);
      const res = await oauth.exchange(t.http(), defaulted, { code: code!, verifier }).expect(200);
      expect(claimsOf(res)).toMatchObject({ aud: ledger.identifier, scope: ledger.read });
      const own = await oauth.clientCredentials(t.http(), defaulted).expect(200);
      expect(claimsOf(own)).toMatchObject({ aud: ledger.identifier, scope: ledger.read });
    });

    it('must be a registered API: 400 invalid_client_metadata naming default_resource', async () => {
      for (const [method, path] of [
        ['post', '/admin/clients'],
        ['patch', `/admin/clients/${defaulted.client_id}`],
      ] as const) {
        const res = await admin(method, path, {
          name: 'Nowhere partner',
          redirect_uris: [oauth.PARTNER_REDIRECT],
          default_resource: 'https://unknown.example/api',
        });
        oauth.expectOAuthError(res, 400, 'invalid_client_metadata');
        expect(res.body.error_description).toMatch(/default_resource/);
      }
    });

    it('keeps its API from being deleted until no client has it as default', async () => {
      const spare = await registerApi([`${uniqueName('spare')}:use`]);
      const client = await admin('post', '/admin/clients', {
        name: 'Spare partner',
        redirect_uris: [oauth.PARTNER_REDIRECT],
        scope: 'openid',
        default_resource: spare.identifier,
      });
      expect(client.status).toBe(201);
      const refused = await admin('delete', `/admin/apis/${spare.id}`);
      expect(refused.status).toBe(400);
      expect(refused.body.error_description).toMatch(/default_resource/);
      const cleared = await admin('patch', `/admin/clients/${client.body.client_id}`, { default_resource: null });
      expect(cleared.body.default_resource).toBeNull();
      await admin('delete', `/admin/apis/${spare.id}`).expect(204);
    });
  });

  describe('audience restriction', () => {
    let forApi: string;
    let forProvider: string;

    beforeAll(async () => {
      const issued = await code(`openid profile ${ledger.read}`, ledger.identifier);
      forApi = (await oauth.exchange(t.http(), partner, issued).expect(200)).body.access_token;
      forProvider = (await oauth.exchange(t.http(), partner, await code('openid profile')).expect(200)).body
        .access_token;
    });

    /** A token signed with the provider's own key, its claims as given: what only the audience tells apart. */
    function signed(claims: JWTPayload): Promise<string> {
      const { kid, privateKey } = t.app.get(KeysService).activeKey('ES256');
      return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid }).sign(privateKey);
    }

    async function expectInvalidToken(res: Response) {
      expect({ status: res.status, error: res.body.error }).toEqual({ status: 401, error: 'invalid_token' });
      expect(res.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_token"/);
    }

    it('refuses a token for an API at userinfo, where the provider’s own token is taken', async () => {
      await expectInvalidToken(await t.http().get('/oauth/userinfo').set('Authorization', `Bearer ${forApi}`));
      await t.http().get('/oauth/userinfo').set('Authorization', `Bearer ${forProvider}`).expect(200);
    });

    it('refuses at the administration API a token for an API, even one carrying admin', async () => {
      await expectInvalidToken(await admin('get', '/admin/clients', undefined, forApi));
      const iat = Math.floor(Date.now() / 1000);
      const claims = { ...decodeJwt(adminToken), iat, exp: iat + 600, jti: uniqueName('jti') };
      await expectInvalidToken(
        await admin('get', '/admin/clients', undefined, await signed({ ...claims, aud: TEST_API.identifier })),
      );
      await admin('get', '/admin/clients', undefined, await signed({ ...claims, aud: ISSUER })).expect(200);
    });

    it('introspects a token for an API as active, with its aud (RFC 7662 §2.2)', async () => {
      const res = await oauth.introspect(t.http(), partner, forApi).expect(200);
      expect(res.body).toMatchObject({
        active: true,
        aud: ledger.identifier,
        scope: ledger.read,
        client_id: partner.client_id,
      });
      expect(res.body.exp - res.body.iat).toBe(LEDGER_TTL);
      expect((await oauth.introspect(t.http(), partner, forProvider).expect(200)).body.aud).toBe(ISSUER);
    });

    it('refuses a token living longer than its API’s lifetime plus the tolerance, or for no registered API', async () => {
      const own = claimsOf(await oauth.exchange(t.http(), partner, await code('openid')).expect(200));
      const iat = Math.floor(Date.now() / 1000);
      const claims = { ...own, aud: ledger.identifier, iat, jti: uniqueName('jti') };
      const introspected = async (changes: JWTPayload) =>
        (await oauth.introspect(t.http(), partner, await signed({ ...claims, ...changes })).expect(200)).body;
      expect(await introspected({ exp: iat + LEDGER_TTL + TOLERANCE })).toMatchObject({ active: true });
      expect(await introspected({ exp: iat + LEDGER_TTL + TOLERANCE + 5, jti: uniqueName('jti') })).toEqual({
        active: false,
      });
      expect(await introspected({ exp: iat + 60, aud: 'https://unknown.example', jti: uniqueName('jti') })).toEqual({
        active: false,
      });
    });

    it('lets a token for an API be revoked by its client', async () => {
      const issued = await code(`openid ${ledger.read}`, ledger.identifier);
      const token = (await oauth.exchange(t.http(), partner, issued).expect(200)).body.access_token as string;
      await oauth.revoke(t.http(), partner, token).expect(200);
      expect((await oauth.introspect(t.http(), partner, token).expect(200)).body).toEqual({ active: false });
    });
  });
});
