import * as client from 'openid-client';
import type { Response } from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { KeysService } from '../src/keys/keys.service';
import { createTestApp, TestApp, uniqueName } from './helpers/create-test-app';
import { freePort } from './helpers/free-port';
import { verifiedIdToken } from './helpers/id-token';
import { authorize, hiddenFields } from './helpers/oauth-client';
import * as oauth from './helpers/partner';
import { readRegistration, register, RegisteredClient, updateRegistration } from './helpers/registration';

type Alg = 'RS256' | 'ES256';
type User = Awaited<ReturnType<TestApp['createUser']>>;

/** What the admin API and the registration endpoint say when refusing an algorithm. */
const REFUSAL = 'id_token_signed_response_alg must be one of: RS256, ES256';

/** Algorithms no client may register: unsigned, symmetric, another hash, another spelling, not a string. */
const UNSUPPORTED: unknown[] = ['none', 'HS256', 'RS384', 'PS256', 'es256', '', 42, ['ES256']];

/**
 * OpenID Connect Dynamic Client Registration 1.0 §2 `id_token_signed_response_alg`: a client
 * registered for ES256, by the admin API or at the registration endpoint, gets ID tokens signed
 * with the active ES256 key, which a certified relying-party library (openid-client) verifies
 * against the published JWKS; every other client gets RS256, as before.
 */
describe('ID token signing algorithm per client', () => {
  let t: TestApp;
  let issuer: string;
  let redirectUri: string;
  let user: User;
  let adminToken: string;

  beforeAll(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    // Nothing listens at the redirect URI: the browser's redirect is only read, never followed.
    redirectUri = `http://127.0.0.1:${await freePort()}/cb`;
    t = await createTestApp({ ISSUER: issuer, PORT: String(port), DYNAMIC_REGISTRATION: 'open' });
    await t.app.listen(port, '127.0.0.1');
    user = await t.createUser();
    const admin = await t.createClient({ grant_types: ['client_credentials'], scope: 'admin', redirect_uris: [] });
    adminToken = (await oauth.clientCredentials(t.http(), admin).expect(200)).body.access_token;
  });
  afterAll(() => t?.close());

  /** A call to the admin API, as its administration client. */
  function admin(method: 'get' | 'post' | 'patch', path: string, body?: object) {
    const req = t.http()[method](path).set('Authorization', `Bearer ${adminToken}`);
    return body === undefined ? req : req.send(body);
  }

  /** A confidential client of the code flow, as an administrator registers it, with `metadata` over that. */
  async function adminRegistered(metadata: object = {}) {
    const res = await admin('post', '/admin/clients', {
      name: uniqueName('alg'),
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      scope: 'openid profile offline_access',
      ...metadata,
    }).expect(201);
    return res.body as { client_id: string; client_secret: string; id_token_signed_response_alg: string };
  }

  /**
   * The code flow through openid-client, configured for the client as registered: it checks
   * state, nonce, PKCE and the ID token, whose `alg` must be `expected` (the client's registered
   * algorithm) and whose signature it verifies against jwks_uri. `browser` keeps the session.
   */
  async function signInWith(
    partner: { client_id: string; client_secret?: string },
    expected: Alg,
    browser: TestAgent = t.browser(),
  ) {
    const config = await client.discovery(
      new URL(issuer),
      partner.client_id,
      { client_secret: partner.client_secret, id_token_signed_response_alg: expected },
      client.ClientSecretBasic(partner.client_secret!),
      { execute: [client.allowInsecureRequests, client.enableNonRepudiationChecks] },
    );
    const checks = {
      pkceCodeVerifier: client.randomPKCECodeVerifier(),
      expectedState: client.randomState(),
      expectedNonce: client.randomNonce(),
      idTokenExpected: true,
    };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid profile offline_access',
      code_challenge: await client.calculatePKCECodeChallenge(checks.pkceCodeVerifier),
      code_challenge_method: 'S256',
      state: checks.expectedState,
      nonce: checks.expectedNonce,
    });
    const callback = await authorize(browser, Object.fromEntries(url.searchParams), user);
    const tokens = await client.authorizationCodeGrant(config, callback, checks);
    expect(tokens.claims()).toMatchObject({ iss: issuer, sub: user.id, aud: partner.client_id });
    return { config, tokens };
  }

  /** RFC 6749 §5.2 as the admin API answers a bad field: 400 invalid_client_metadata, in one clear line. */
  function expectRefused(res: Response): void {
    oauth.expectOAuthError(res, 400, 'invalid_client_metadata');
    expect(res.body.error_description).toBe(REFUSAL);
  }

  it('publishes both algorithms in discovery, RS256 first', async () => {
    for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
      const { body } = await t.http().get(path).expect(200);
      expect(body.id_token_signing_alg_values_supported).toEqual(['RS256', 'ES256']);
    }
  });

  it('signs with the active ES256 key the ID tokens of a client the admin API registered for ES256', async () => {
    const partner = await adminRegistered({ id_token_signed_response_alg: 'ES256' });
    expect(partner.id_token_signed_response_alg).toBe('ES256');
    const shown = await admin('get', `/admin/clients/${partner.client_id}`).expect(200);
    expect(shown.body.id_token_signed_response_alg).toBe('ES256');

    const { config, tokens } = await signInWith(partner, 'ES256');
    const { kid, claims } = await verifiedIdToken(t.http(), tokens.id_token!, 'ES256');
    expect(kid).toBe(t.app.get(KeysService).activeKey('ES256').kid);
    expect(claims).toMatchObject({ iss: issuer, sub: user.id, aud: partner.client_id });

    // A refreshed ID token (Core §12.2) is signed alike.
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    await verifiedIdToken(t.http(), refreshed.id_token!, 'ES256');
  });

  it('signs RS256 for a client that names no algorithm, as for every client before', async () => {
    const partner = await adminRegistered();
    expect(partner.id_token_signed_response_alg).toBe('RS256');
    const { tokens } = await signInWith(partner, 'RS256');
    const { kid } = await verifiedIdToken(t.http(), tokens.id_token!, 'RS256');
    expect(kid).toBe(t.app.get(KeysService).activeKey('RS256').kid);
  });

  it('signs with the algorithm a client is changed to, from its next ID token on', async () => {
    const partner = await adminRegistered();
    const changed = await admin('patch', `/admin/clients/${partner.client_id}`, {
      id_token_signed_response_alg: 'ES256',
    }).expect(200);
    expect(changed.body.id_token_signed_response_alg).toBe('ES256');
    await verifiedIdToken(t.http(), (await signInWith(partner, 'ES256')).tokens.id_token!, 'ES256');

    // A change of anything else leaves the algorithm as it is.
    await admin('patch', `/admin/clients/${partner.client_id}`, { name: uniqueName('renamed') }).expect(200);
    const shown = await admin('get', `/admin/clients/${partner.client_id}`).expect(200);
    expect(shown.body.id_token_signed_response_alg).toBe('ES256');

    await admin('patch', `/admin/clients/${partner.client_id}`, { id_token_signed_response_alg: 'RS256' }).expect(200);
    await verifiedIdToken(t.http(), (await signInWith(partner, 'RS256')).tokens.id_token!, 'RS256');
  });

  it.each(UNSUPPORTED)('refuses %j at the admin API, creating and changing nothing', async (alg) => {
    const name = uniqueName('refused');
    expectRefused(
      await admin('post', '/admin/clients', { name, redirect_uris: [redirectUri], id_token_signed_response_alg: alg }),
    );
    const listed = await admin('get', `/admin/clients?q=${name}`).expect(200);
    expect(listed.body.total).toBe(0);

    const partner = await adminRegistered({ id_token_signed_response_alg: 'ES256' });
    expectRefused(await admin('patch', `/admin/clients/${partner.client_id}`, { id_token_signed_response_alg: alg }));
    const shown = await admin('get', `/admin/clients/${partner.client_id}`).expect(200);
    expect(shown.body.id_token_signed_response_alg).toBe('ES256');
  });

  describe('dynamic client registration (RFC 7591)', () => {
    const metadata = (extra: object = {}) => ({
      client_name: uniqueName('registered'),
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      scope: 'openid profile offline_access',
      ...extra,
    });

    it('registers a client for ES256, echoes it, and signs its ID tokens with it', async () => {
      const registered = (await register(t.http(), metadata({ id_token_signed_response_alg: 'ES256' })).expect(201))
        .body as RegisteredClient;
      expect(registered.id_token_signed_response_alg).toBe('ES256');
      const read = await readRegistration(t.http(), registered.client_id, registered.registration_access_token);
      expect(read.status).toBe(200);
      expect(read.body.id_token_signed_response_alg).toBe('ES256');

      const { tokens } = await signInWith(registered, 'ES256');
      await verifiedIdToken(t.http(), tokens.id_token!, 'ES256');
    });

    it('registers RS256 when the client names none, and a replacement that names none goes back to it', async () => {
      const registered = (await register(t.http(), metadata()).expect(201)).body as RegisteredClient;
      expect(registered).toMatchObject({ id_token_signed_response_alg: 'RS256' });
      const token = registered.registration_access_token;

      const es256 = await updateRegistration(
        t.http(),
        registered.client_id,
        token,
        metadata({ id_token_signed_response_alg: 'ES256' }),
      ).expect(200);
      expect(es256.body.id_token_signed_response_alg).toBe('ES256');
      // RFC 7592 §2.2: what a replacement leaves out takes its default.
      const replaced = await updateRegistration(t.http(), registered.client_id, token, metadata()).expect(200);
      expect(replaced.body.id_token_signed_response_alg).toBe('RS256');
      await verifiedIdToken(t.http(), (await signInWith(registered, 'RS256')).tokens.id_token!, 'RS256');
    });

    it.each(UNSUPPORTED)('refuses %j with invalid_client_metadata, at registration and at replacement', async (alg) => {
      const name = uniqueName('refused');
      const refused = await register(t.http(), { ...metadata(), client_name: name, id_token_signed_response_alg: alg });
      expectRefused(refused);
      const listed = await admin('get', `/admin/clients?q=${name}`).expect(200);
      expect(listed.body.total).toBe(0);

      const registered = (await register(t.http(), metadata({ id_token_signed_response_alg: 'ES256' })).expect(201))
        .body as RegisteredClient;
      const token = registered.registration_access_token;
      expectRefused(
        await updateRegistration(
          t.http(),
          registered.client_id,
          token,
          metadata({ id_token_signed_response_alg: alg }),
        ),
      );
      const read = await readRegistration(t.http(), registered.client_id, token).expect(200);
      expect(read.body.id_token_signed_response_alg).toBe('ES256');
    });
  });

  it('takes an ES256 ID token as id_token_hint at RP-Initiated Logout', async () => {
    const loggedOut = 'https://rp.example/logged-out';
    const partner = await adminRegistered({
      id_token_signed_response_alg: 'ES256',
      post_logout_redirect_uris: [loggedOut],
    });
    const browser = t.browser();
    const { tokens } = await signInWith(partner, 'ES256', browser);
    const query = new URLSearchParams({
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: loggedOut,
      state: 'bye',
    });
    const page = await browser.get(`/logout?${query}`).expect(200);
    const res = await browser.post('/logout').type('form').send(hiddenFields(page.text)).expect(303);
    expect(res.headers.location).toBe(`${loggedOut}?state=bye`);
  });
});
