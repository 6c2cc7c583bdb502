import { ConfigService } from '@nestjs/config';
import { createHash } from 'node:crypto';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { AuditEventType } from '../src/audit/audit-event-types';
import { AuditService } from '../src/audit/audit.service';
import { InitialAccessTokenEntity } from '../src/registration/entities/initial-access-token.entity';
import { InitialAccessTokensService } from '../src/registration/initial-access-tokens.service';
import { createTestApp, TestApp, uniqueName } from './helpers/create-test-app';
import { codeThroughConsent } from './helpers/oauth-client';
import * as oauth from './helpers/partner';
import {
  configurationPath,
  deleteRegistration,
  readRegistration,
  register,
  RegisteredClient,
  REGISTRATION_ENDPOINT,
  updateRegistration,
} from './helpers/registration';

const REDIRECT = oauth.PARTNER_REDIRECT;
const SELF_REGISTERED = 'self-registered';
/** Requests come from the loopback proxy, which is trusted: the provider counts the address it forwards. */
const PARTNER_IP = '203.0.113.9';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** What a partner sends to register a client of the code flow. */
function metadata(extra: object = {}) {
  return { client_name: uniqueName(SELF_REGISTERED), redirect_uris: [REDIRECT], scope: 'openid profile', ...extra };
}

/**
 * How many clients this spec's registrations made (their names start with SELF_REGISTERED): on
 * MySQL other spec files make clients in the same database meanwhile.
 */
async function clientCount(t: TestApp): Promise<number> {
  const [{ n }] = await t.app
    .get(DataSource)
    .query('SELECT COUNT(*) AS n FROM clients WHERE name LIKE ?', [`${SELF_REGISTERED}-%`]);
  return Number(n);
}

/** The registration endpoint's 401 (RFC 6750 §3.1): invalid_token, and a Bearer challenge. */
function expectInvalidToken(res: Response): void {
  oauth.expectOAuthError(res, 401, 'invalid_token');
  expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
}

describe('dynamic client registration (RFC 7591, RFC 7592)', () => {
  describe('DYNAMIC_REGISTRATION=off, the default', () => {
    let t: TestApp;
    beforeAll(async () => (t = await createTestApp()));
    afterAll(() => t.close());

    it('answers every registration route as a path that does not exist, and registers nothing', async () => {
      const before = await clientCount(t);
      const admins = await t.createClient({ name: uniqueName('admin-made') });
      const absent = await t.http().post('/oauth/no-such-path').send(metadata());
      for (const res of [
        await register(t.http(), metadata()),
        await readRegistration(t.http(), admins.client_id, 'x'),
        await updateRegistration(t.http(), admins.client_id, 'x', metadata()),
        await deleteRegistration(t.http(), admins.client_id, 'x'),
      ]) {
        expect(res.status).toBe(404);
        expect(res.body.error).toBe(absent.body.error);
        expect(res.body.error_description).toMatch(/^Cannot (POST|GET|PUT|DELETE) \/oauth\/register/);
      }
      expect(await clientCount(t)).toBe(before);
    });

    it.each([
      ['get', REGISTRATION_ENDPOINT],
      ['put', REGISTRATION_ENDPOINT],
      ['delete', REGISTRATION_ENDPOINT],
      ['post', configurationPath('some-client')],
      ['patch', configurationPath('some-client')],
    ] as const)('answers %s %s 404 too, naming no methods it would take', async (method, path) => {
      const res = await t.http()[method](path);
      expect(res.status).toBe(404);
      expect(res.body.error_description).toBe(`Cannot ${method.toUpperCase()} ${path}`);
      expect(res.headers).not.toHaveProperty('allow');
    });

    it('publishes no registration_endpoint', async () => {
      for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
        const res = await t.http().get(path).expect(200);
        expect(res.body).not.toHaveProperty('registration_endpoint');
      }
    });
  });

  describe('DYNAMIC_REGISTRATION=open', () => {
    let t: TestApp;
    let issuer: string;
    let user: Awaited<ReturnType<TestApp['createUser']>>;
    beforeAll(async () => {
      t = await createTestApp({ DYNAMIC_REGISTRATION: 'open' });
      issuer = t.app.get(ConfigService).getOrThrow<string>('ISSUER');
      user = await t.createUser();
    });
    afterAll(() => t.close());

    async function registered(extra: object = {}): Promise<RegisteredClient> {
      return (await register(t.http(), metadata(extra)).expect(201)).body;
    }

    /** The code flow with PKCE, through login and consent; answers the token response. */
    async function codeFlow(client: RegisteredClient, scope = 'openid profile') {
      const { code, verifier } = await codeThroughConsent(t.browser(), client, user, { scope, state: 'st' }, REDIRECT);
      return (await oauth.exchange(t.http(), client, { code, verifier }).expect(200)).body;
    }

    it.each([
      ['get', REGISTRATION_ENDPOINT, 'POST'],
      ['post', configurationPath('some-client'), 'GET, HEAD, PUT, DELETE'],
    ] as const)('answers %s %s 405, naming the methods it takes (%s)', async (method, path, allow) => {
      const res = await t.http()[method](path);
      oauth.expectOAuthError(res, 405, 'invalid_request');
      expect(res.headers.allow).toBe(allow);
    });

    it('publishes registration_endpoint in both discovery documents', async () => {
      for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
        const res = await t.http().get(path).expect(200);
        expect(res.body.registration_endpoint).toBe(`${issuer}/oauth/register`);
      }
    });

    it('registers a confidential client: 201 with its credentials this once and its metadata', async () => {
      const sent = metadata({ grant_types: ['authorization_code', 'refresh_token'] });
      const res = await register(t.http(), sent).expect(201);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toMatchObject({
        client_id: expect.any(String),
        client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        client_id_issued_at: expect.any(Number),
        client_secret_expires_at: 0,
        registration_access_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        client_name: sent.client_name,
        redirect_uris: [REDIRECT],
        grant_types: ['authorization_code', 'refresh_token'],
        scope: 'openid profile',
        token_endpoint_auth_method: 'client_secret_basic',
        require_pkce: true,
        resource_server: false,
      });
      expect(res.body.registration_client_uri).toBe(`${issuer}/oauth/register/${res.body.client_id}`);
      expect(Math.abs(res.body.client_id_issued_at - Date.now() / 1000)).toBeLessThan(600);
    });

    it('registers a public client without a secret', async () => {
      const client = await registered({ token_endpoint_auth_method: 'none' });
      expect(client.token_endpoint_auth_method).toBe('none');
      expect(client).not.toHaveProperty('client_secret');
      expect(client).not.toHaveProperty('client_secret_expires_at');
    });

    it('drops the metadata it does not know instead of refusing it (RFC 7591 §2)', async () => {
      const client = await registered({
        logo_uri: 'https://partner.example/logo.png',
        contacts: ['a@partner.example'],
      });
      expect(client).not.toHaveProperty('logo_uri');
      expect(client).not.toHaveProperty('contacts');
    });

    it('lets the registered clients, confidential and public, through the code flow with PKCE', async () => {
      for (const client of [await registered(), await registered({ token_endpoint_auth_method: 'none' })]) {
        const tokens = await codeFlow(client);
        expect(tokens).toMatchObject({ access_token: expect.any(String), id_token: expect.any(String) });
      }
    });

    it('stores the registration access token and the secret only as their SHA-256 digests', async () => {
      const client = await registered();
      const [row] = await t.app.get(DataSource).query('SELECT * FROM clients WHERE client_id = ?', [client.client_id]);
      expect(row.registration_access_token_hash).toBe(sha256(client.registration_access_token));
      expect(row.secret_hash).toBe(sha256(client.client_secret!));
      const stored = JSON.stringify(row);
      expect(stored).not.toContain(client.registration_access_token);
      expect(stored).not.toContain(client.client_secret);
    });

    describe('client configuration (RFC 7592)', () => {
      it('reads the registration with its registration access token, never showing the secret', async () => {
        const client = await registered();
        const res = await readRegistration(t.http(), client.client_id, client.registration_access_token).expect(200);
        expect(res.headers['cache-control']).toBe('no-store');
        expect(res.body).toEqual({ ...client, client_secret: undefined });
      });

      it('refuses read, replacement and deletion without the client’s own registration access token, alike for clients that do not exist', async () => {
        const client = await registered();
        const other = await registered();
        const adminMade = await t.createClient({ name: uniqueName('admin-made') });
        const attempts: [string, string | null][] = [
          [client.client_id, null],
          [client.client_id, 'not-the-token'],
          [client.client_id, other.registration_access_token],
          [client.client_id, client.client_secret!],
          [client.client_id.toUpperCase(), client.registration_access_token],
          ['no-such-client', client.registration_access_token],
          [adminMade.client_id, client.registration_access_token],
        ];
        for (const [clientId, token] of attempts) {
          expectInvalidToken(await readRegistration(t.http(), clientId, token));
          expectInvalidToken(await updateRegistration(t.http(), clientId, token, metadata()));
          expectInvalidToken(await deleteRegistration(t.http(), clientId, token));
        }
        // The token is checked before the body: a bad body tells an unauthenticated caller nothing.
        expectInvalidToken(
          await updateRegistration(t.http(), client.client_id, other.registration_access_token, { redirect_uris: 'x' }),
        );
        // A malformed Authorization header is refused the same way.
        const res = await readRegistration(t.http(), client.client_id, null).set('Authorization', 'Basic abc');
        expectInvalidToken(res);
        await readRegistration(t.http(), client.client_id, client.registration_access_token).expect(200);
        await readRegistration(t.http(), adminMade.client_id, null).expect(401);
      });

      it('replaces the metadata: what the request leaves out takes its default', async () => {
        const client = await registered({ post_logout_redirect_uris: ['https://partner.example/bye'] });
        const other = 'https://partner.example/other';
        const res = await updateRegistration(t.http(), client.client_id, client.registration_access_token, {
          client_name: 'Renamed',
          client_secret: client.client_secret,
          redirect_uris: [other],
          grant_types: ['authorization_code'],
          scope: 'openid',
        }).expect(200);
        expect(res.headers['cache-control']).toBe('no-store');
        expect(res.body).toMatchObject({
          client_id: client.client_id,
          client_name: 'Renamed',
          redirect_uris: [other],
          post_logout_redirect_uris: [],
          grant_types: ['authorization_code'],
          scope: 'openid',
          token_endpoint_auth_method: 'client_secret_basic',
          client_secret_expires_at: 0,
          registration_access_token: client.registration_access_token,
          registration_client_uri: client.registration_client_uri,
        });
        expect(res.body).not.toHaveProperty('client_secret');
        const read = await readRegistration(t.http(), client.client_id, client.registration_access_token).expect(200);
        expect(read.body).toEqual(res.body);
      });

      it('takes back the whole answer of a read as a replacement, the fields only the provider sets ignored', async () => {
        const client = await registered();
        const read = await readRegistration(t.http(), client.client_id, client.registration_access_token).expect(200);
        const res = await updateRegistration(t.http(), client.client_id, client.registration_access_token, {
          ...read.body,
          client_id_issued_at: 1,
          client_secret_expires_at: 1,
          registration_client_uri: 'https://attacker.example/',
          registration_access_token: 'chosen-by-the-client',
        }).expect(200);
        expect(res.body).toEqual(read.body);
      });

      it('gives a client that becomes confidential its secret in the answer, this once', async () => {
        const client = await registered({ token_endpoint_auth_method: 'none' });
        const res = await updateRegistration(
          t.http(),
          client.client_id,
          client.registration_access_token,
          metadata({ token_endpoint_auth_method: 'client_secret_post' }),
        ).expect(200);
        expect(res.body.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
        await codeFlow({ ...client, ...res.body });
      });

      it('refuses a replacement for another client_id, without client_id, with a wrong client_secret, or that the policy refuses', async () => {
        const client = await registered();
        const other = await registered();
        const token = client.registration_access_token;
        for (const body of [
          { client_id: other.client_id },
          { client_id: undefined },
          { client_secret: other.client_secret },
          { grant_types: ['client_credentials'] },
          { scope: 'openid admin' },
        ]) {
          const res = await updateRegistration(t.http(), client.client_id, token, metadata(body));
          oauth.expectOAuthError(res, 400, 'invalid_client_metadata');
        }
        const res = await updateRegistration(t.http(), client.client_id, token, metadata({ redirect_uris: ['x'] }));
        oauth.expectOAuthError(res, 400, 'invalid_redirect_uri');
        const read = await readRegistration(t.http(), client.client_id, token).expect(200);
        expect(read.body).toEqual(expect.objectContaining({ client_name: client.client_name, scope: client.scope }));
      });

      it('deletes the client with its grants: 204, then neither the client nor its tokens work', async () => {
        const client = await registered({ grant_types: ['authorization_code', 'refresh_token'] });
        const tokens = await codeFlow(client);
        expect(tokens.refresh_token).toEqual(expect.any(String));
        await deleteRegistration(t.http(), client.client_id, client.registration_access_token).expect(204);
        const [{ n }] = await t.app
          .get(DataSource)
          .query('SELECT COUNT(*) AS n FROM grants WHERE client_id = ?', [client.client_id]);
        expect(Number(n)).toBe(0);
        expectInvalidToken(await readRegistration(t.http(), client.client_id, client.registration_access_token));
        oauth.expectOAuthError(await oauth.refresh(t.http(), client, tokens.refresh_token), 401, 'invalid_client');
        const introspection = await oauth.introspect(t.http(), client, tokens.access_token);
        oauth.expectOAuthError(introspection, 401, 'invalid_client');
      });
    });

    describe('the same rules as the admin API, and the limits of self-registration', () => {
      it.each([
        ['a redirect URI with a fragment', 'invalid_redirect_uri', { redirect_uris: ['https://partner.example/cb#x'] }],
        [
          'a plain http redirect URI off loopback',
          'invalid_redirect_uri',
          { redirect_uris: ['http://partner.example/cb'] },
        ],
        ['a javascript: redirect URI', 'invalid_redirect_uri', { redirect_uris: ['JavaScript:alert(1)'] }],
        ['the code flow without a redirect URI', 'invalid_redirect_uri', { redirect_uris: [] }],
        ['a scope no API defines', 'invalid_client_metadata', { scope: 'openid no-such-scope' }],
        ['the admin scope', 'invalid_client_metadata', { scope: 'openid admin' }],
        ['the client_credentials grant', 'invalid_client_metadata', { grant_types: ['client_credentials'] }],
        [
          'client_credentials beside the code flow',
          'invalid_client_metadata',
          { grant_types: ['authorization_code', 'client_credentials'] },
        ],
        ['an unknown grant', 'invalid_client_metadata', { grant_types: ['password'] }],
        ['a resource server', 'invalid_client_metadata', { resource_server: true }],
        ['no PKCE', 'invalid_client_metadata', { require_pkce: false }],
        ['an implicit response type', 'invalid_client_metadata', { response_types: ['token'] }],
        [
          'an unknown authentication method',
          'invalid_client_metadata',
          { token_endpoint_auth_method: 'private_key_jwt' },
        ],
        ['an empty name', 'invalid_client_metadata', { client_name: '' }],
        ['redirect_uris that is no list', 'invalid_client_metadata', { redirect_uris: REDIRECT }],
      ] as const)('refuses %s: 400 %s, and registers nothing', async (_, error, extra) => {
        const before = await clientCount(t);
        oauth.expectOAuthError(await register(t.http(), metadata(extra)), 400, error);
        expect(await clientCount(t)).toBe(before);
      });

      it('names a client registered without client_name (RFC 7591 §2: optional) after its redirect URI’s host', async () => {
        const client = await registered({ client_name: undefined });
        expect(client.client_name).toBe(new URL(REDIRECT).host);
      });

      it('accepts a test API’s scope and response_types ["code"]', async () => {
        const client = await registered({ scope: 'openid read', response_types: ['code'] });
        expect(client.scope).toBe('openid read');
      });
    });

    describe('audit trail', () => {
      const events = async (type: AuditEventType, clientId: string) =>
        (await t.app.get(AuditService).list({ type, client_id: clientId, limit: 10, offset: 0 })).items;

      it('records client.registered by `registration`, and client.updated and client.deleted by the client, with the address', async () => {
        const res = await register(t.http(), metadata()).set('X-Forwarded-For', PARTNER_IP).expect(201);
        const client: RegisteredClient = res.body;
        const token = client.registration_access_token;
        await updateRegistration(t.http(), client.client_id, token, metadata())
          .set('X-Forwarded-For', PARTNER_IP)
          .expect(200);
        await deleteRegistration(t.http(), client.client_id, token).set('X-Forwarded-For', PARTNER_IP).expect(204);

        const [registeredEvent] = await events('client.registered', client.client_id);
        expect(registeredEvent).toMatchObject({ actor: 'registration', ip: PARTNER_IP, client_id: client.client_id });
        expect(registeredEvent.detail).toMatchObject({ scope: 'openid profile' });
        for (const type of ['client.updated', 'client.deleted'] as const) {
          const [event] = await events(type, client.client_id);
          expect(event).toMatchObject({ actor: `client:${client.client_id}`, ip: PARTNER_IP });
        }
        expect(await events('client.created', client.client_id)).toEqual([]);
        const everything = JSON.stringify(await t.app.get(AuditService).list({ limit: 1000, offset: 0 }));
        expect(everything).not.toContain(token);
        expect(everything).not.toContain(client.client_secret);
      });
    });
  });

  describe('DYNAMIC_REGISTRATION=token', () => {
    let t: TestApp;
    let initialToken: string;
    beforeAll(async () => {
      t = await createTestApp({ DYNAMIC_REGISTRATION: 'token' });
      initialToken = (await t.app.get(InitialAccessTokensService).create(3600, 'test', { actor: 'cli' }))
        .registration_token;
    });
    afterAll(() => t.close());

    it('publishes registration_endpoint', async () => {
      const res = await t.http().get('/.well-known/oauth-authorization-server').expect(200);
      expect(res.body.registration_endpoint).toMatch(/\/oauth\/register$/);
    });

    it('registers a client with an initial access token, and more with the same token until it expires', async () => {
      const first = await register(t.http(), metadata(), initialToken).expect(201);
      const second = await register(t.http(), metadata(), initialToken).expect(201);
      expect(first.body.client_id).not.toBe(second.body.client_id);
      const client: RegisteredClient = first.body;
      await readRegistration(t.http(), client.client_id, client.registration_access_token).expect(200);
    });

    it('stores the initial access token only as its SHA-256 digest, with its expiry', async () => {
      const [row] = await t.app
        .get(DataSource)
        .query('SELECT * FROM registration_tokens WHERE token_hash = ?', [sha256(initialToken)]);
      expect(row).toMatchObject({ description: 'test' });
      expect(JSON.stringify(row)).not.toContain(initialToken);
    });

    it('refuses a registration without, with an unknown, a malformed or an expired initial access token: 401 invalid_token', async () => {
      const expired = (await t.app.get(InitialAccessTokensService).create(3600, undefined, { actor: 'cli' }))
        .registration_token;
      await t.app
        .get(DataSource)
        .getRepository(InitialAccessTokenEntity)
        .update({ tokenHash: sha256(expired) }, { expiresAt: new Date(Date.now() - 1000) });
      const before = await clientCount(t);
      const client: RegisteredClient = (await register(t.http(), metadata(), initialToken).expect(201)).body;
      for (const token of [null, 'not-a-token', expired, client.registration_access_token, `${initialToken}x`]) {
        expectInvalidToken(await register(t.http(), metadata(), token));
      }
      expectInvalidToken(await register(t.http(), metadata()).set('Authorization', `Basic ${initialToken}`));
      // The token is checked before the metadata.
      expectInvalidToken(await register(t.http(), { redirect_uris: 'x' }));
      expect(await clientCount(t)).toBe(before + 1);
    });

    it('does not take an initial access token for a registration access token', async () => {
      const client: RegisteredClient = (await register(t.http(), metadata(), initialToken).expect(201)).body;
      expectInvalidToken(await readRegistration(t.http(), client.client_id, initialToken));
    });
  });

  describe('rate limit', () => {
    let t: TestApp;
    beforeAll(async () => (t = await createTestApp({ DYNAMIC_REGISTRATION: 'open', RATE_LIMIT_REGISTRATIONS: '3' })));
    afterAll(() => t.close());

    it('refuses requests past the budget of an address, refused ones counted, with 429 and Retry-After; other addresses still register', async () => {
      for (let i = 0; i < 2; i++) await register(t.http(), metadata()).set('X-Forwarded-For', PARTNER_IP).expect(201);
      // A refused registration counts too.
      await register(t.http(), metadata({ scope: 'admin' }))
        .set('X-Forwarded-For', PARTNER_IP)
        .expect(400);
      const before = await clientCount(t);
      const refused = await register(t.http(), metadata()).set('X-Forwarded-For', PARTNER_IP);
      oauth.expectOAuthError(refused, 429, 'temporarily_unavailable');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(await clientCount(t)).toBe(before);
      await register(t.http(), metadata()).set('X-Forwarded-For', '198.51.100.4').expect(201);
    });
  });
});
