import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { createHash } from 'node:crypto';
import { ClientWithSecret } from '../src/clients/clients.service';
import { KeysService } from '../src/keys/keys.service';
import { createTestApp, TEST_API, TestApp } from './helpers/create-test-app';
import { privateDatabase } from './helpers/database-state';
import { authorize, authorizeUrl, hiddenFields, pkcePair, signIn } from './helpers/oauth-client';
import * as oauth from './helpers/partner';

const REDIRECT = 'https://rp.example/callback';
const ISSUER = 'http://localhost:3000';

describe('OpenID Connect', () => {
  let t: TestApp;
  let client: ClientWithSecret;
  let user: Awaited<ReturnType<TestApp['createUser']>>;

  beforeAll(async () => {
    t = await createTestApp();
    client = await t.createClient({
      redirect_uris: [REDIRECT],
      grant_types: ['authorization_code', 'refresh_token'],
      scope: 'openid profile email offline_access',
    });
    user = await t.createUser({ name: 'Ada Lovelace', email: 'ada@example.com' });
  });
  afterAll(() => t.close());

  const params = (extra: Record<string, string | undefined> = {}) => {
    const pkce = pkcePair();
    return {
      verifier: pkce.verifier,
      query: {
        response_type: 'code',
        client_id: client.client_id,
        redirect_uri: REDIRECT,
        scope: 'openid profile email',
        state: 'st',
        nonce: 'n-0S6_WzA2Mj',
        code_challenge: pkce.challenge,
        code_challenge_method: 'S256',
        ...extra,
      },
    };
  };
  const exchange = (code: string, verifier: string) =>
    oauth
      .token(t.http(), client, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT,
        code_verifier: verifier,
      })
      .expect(200)
      .then((r) => r.body);
  const jwks = async () => createLocalJWKSet((await t.http().get('/oauth/jwks').expect(200)).body);

  it('issues an ID token with the claims of Core §2 and an at_hash of the access token', async () => {
    const { query, verifier } = params();
    const location = await authorize(t.browser(), query, user);
    const body = await exchange(location.searchParams.get('code')!, verifier);
    const { payload, protectedHeader } = await jwtVerify(body.id_token, await jwks(), {
      issuer: ISSUER,
      audience: client.client_id,
    });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({ sub: user.id, nonce: 'n-0S6_WzA2Mj', azp: client.client_id });
    expect(payload.auth_time).toEqual(expect.any(Number));
    expect(payload.exp! - payload.iat!).toBe(3600);
    const hash = createHash('sha256').update(body.access_token).digest().subarray(0, 16).toString('base64url');
    expect(payload.at_hash).toBe(hash);
    expect(decodeJwt(body.access_token).sub).toBe(payload.sub);
  });

  it('serves userinfo with the claims the granted scopes allow, by GET and POST', async () => {
    const { query, verifier } = params({ scope: 'openid profile', prompt: 'consent' });
    const location = await authorize(t.browser(), query, user);
    const { access_token } = await exchange(location.searchParams.get('code')!, verifier);
    const get = await t.http().get('/oauth/userinfo').set('Authorization', `Bearer ${access_token}`).expect(200);
    expect(get.body).toEqual({
      sub: user.id,
      name: 'Ada Lovelace',
      preferred_username: user.username,
      updated_at: expect.any(Number),
    });
    const post = await t.http().post('/oauth/userinfo').set('Authorization', `Bearer ${access_token}`).expect(200);
    expect(post.body).toEqual(get.body);
  });

  it('refuses userinfo without a token, with a bad one, and without the openid scope', async () => {
    const none = await t.http().get('/oauth/userinfo').expect(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="oauth"');
    const bad = await t.http().get('/oauth/userinfo').set('Authorization', 'Bearer nope').expect(401);
    expect(bad.headers['www-authenticate']).toMatch(/error="invalid_token"/);
    const api = await t.createClient({ redirect_uris: [], grant_types: ['client_credentials'], scope: 'profile' });
    const cc = await oauth.token(t.http(), api, { grant_type: 'client_credentials' }).expect(200);
    const res = await t
      .http()
      .get('/oauth/userinfo')
      .set('Authorization', `Bearer ${cc.body.access_token}`)
      .expect(403);
    expect(res.body.error).toBe('insufficient_scope');
  });

  it.each([
    ['request', 'eyJhbGciOiJub25lIn0.eyJzY29wZSI6Im9wZW5pZCJ9.', 'request_not_supported'],
    ['request_uri', 'https://partner.example/request.jwt', 'request_uri_not_supported'],
  ])('refuses a %s parameter with %s instead of ignoring it', async (name, value, error) => {
    const { query } = params({ [name]: value });
    const res = await t.browser().get(authorizeUrl(query)).expect(303);
    const location = new URL(res.headers.location);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get('error')).toBe(error);
    expect(location.searchParams.get('state')).toBe('st');
    expect(location.searchParams.get('code')).toBeNull();
  });

  it('answers prompt=none without a session with login_required', async () => {
    const { query } = params({ prompt: 'none' });
    const res = await t.browser().get(authorizeUrl(query)).expect(303);
    const location = new URL(res.headers.location);
    expect(location.searchParams.get('error')).toBe('login_required');
    expect(location.searchParams.get('state')).toBe('st');
    expect(location.searchParams.get('iss')).toBe(ISSUER);
  });

  it('answers prompt=none without consent with consent_required, and with consent by a code', async () => {
    const browser = t.browser();
    const fresh = await t.createClient({ redirect_uris: [REDIRECT], scope: 'openid profile' });
    await signIn(browser, user.username, user.password);
    const ask = {
      response_type: 'code',
      client_id: fresh.client_id,
      redirect_uri: REDIRECT,
      scope: 'openid',
      state: 'q',
      prompt: 'none',
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'S256',
    };
    const refused = await browser.get(authorizeUrl(ask)).expect(303);
    expect(new URL(refused.headers.location).searchParams.get('error')).toBe('consent_required');

    await authorize(browser, { ...ask, prompt: undefined }, user);
    const silent = await browser.get(authorizeUrl(ask)).expect(303);
    expect(new URL(silent.headers.location).searchParams.get('code')).toEqual(expect.any(String));
  });

  it('remembers consent for the same or fewer scopes and asks again for more', async () => {
    const browser = t.browser();
    const fresh = await t.createClient({ redirect_uris: [REDIRECT], scope: 'openid profile email' });
    const ask = (scope: string) => ({
      response_type: 'code',
      client_id: fresh.client_id,
      redirect_uri: REDIRECT,
      scope,
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'S256',
    });
    await authorize(browser, ask('openid profile'), user);

    const same = await browser.get(authorizeUrl(ask('openid profile'))).expect(303);
    expect(new URL(same.headers.location).searchParams.get('code')).toEqual(expect.any(String));
    const fewer = await browser.get(authorizeUrl(ask('openid'))).expect(303);
    expect(new URL(fewer.headers.location).searchParams.get('code')).toEqual(expect.any(String));

    const more = await browser.get(authorizeUrl(ask('openid profile email'))).expect(200);
    expect(more.text).toContain('See your email address');
    const forced = await browser.get(authorizeUrl({ ...ask('openid'), prompt: 'consent' })).expect(200);
    expect(forced.text).toMatch(/>Allow</);
  });

  it('never reuses a public client’s consent silently', async () => {
    const browser = t.browser();
    const pub = await t.createClient({
      redirect_uris: [REDIRECT],
      scope: 'openid',
      token_endpoint_auth_method: 'none',
    });
    const ask = () => ({
      response_type: 'code',
      client_id: pub.client_id,
      redirect_uri: REDIRECT,
      scope: 'openid',
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'S256',
    });
    await authorize(browser, ask(), user);
    await browser.get(authorizeUrl(ask())).expect(200);
  });

  it('forces a new login for max_age=0 and for prompt=login, then completes the request', async () => {
    const browser = t.browser();
    const { query } = params();
    await authorize(browser, query, user);

    for (const extra of [{ max_age: '0' }, { prompt: 'login' }]) {
      await new Promise((r) => setTimeout(r, 1100));
      const { query: again } = params(extra);
      const res = await browser.get(authorizeUrl(again)).expect(303);
      expect(res.headers.location).toMatch(/^\/login\?return_to=/);
      const returnTo = new URL(res.headers.location, 'http://x').searchParams.get('return_to')!;
      expect(returnTo).not.toMatch(/max_age|prompt=login/);
      const back = await signIn(browser, user.username, user.password, returnTo);
      const done = await browser.get(back).expect(303);
      const code = new URL(done.headers.location).searchParams.get('code');
      expect(code).toEqual(expect.any(String));
    }
  });

  it('refuses prompt=none together with other values', async () => {
    const res = await t
      .browser()
      .get(authorizeUrl(params({ prompt: 'none login' }).query))
      .expect(303);
    expect(new URL(res.headers.location).searchParams.get('error')).toBe('invalid_request');
  });

  it('publishes discovery documents consistent with each other', async () => {
    const oidc = (await t.http().get('/.well-known/openid-configuration').expect(200)).body;
    const oauth = (await t.http().get('/.well-known/oauth-authorization-server').expect(200)).body;
    expect(oidc).toEqual(oauth);
    expect(oidc).toMatchObject({
      issuer: ISSUER,
      authorization_endpoint: `${ISSUER}/oauth/authorize`,
      token_endpoint: `${ISSUER}/oauth/token`,
      userinfo_endpoint: `${ISSUER}/oauth/userinfo`,
      jwks_uri: `${ISSUER}/oauth/jwks`,
      revocation_endpoint: `${ISSUER}/oauth/revoke`,
      introspection_endpoint: `${ISSUER}/oauth/introspect`,
      end_session_endpoint: `${ISSUER}/logout`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256', 'ES256'],
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
    });
    expect(oidc.grant_types_supported).toEqual(
      expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials']),
    );
    expect(oidc.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'email', 'offline_access']));
  });

  it("publishes the OpenID scopes and the registered APIs' scopes, never the administration scope", async () => {
    for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
      const { scopes_supported } = (await t.http().get(path).expect(200)).body;
      const openid = ['email', 'offline_access', 'openid', 'profile'];
      expect(scopes_supported).toEqual(expect.arrayContaining([...openid, ...TEST_API.scopes.map((s) => s.name)]));
      expect(scopes_supported).not.toContain('admin');
    }
  });

  it('keeps verifying tokens signed before a key rotation, and signs new ones with the new key', async () => {
    const { query, verifier } = params({ prompt: 'consent' });
    const before = await exchange((await authorize(t.browser(), query, user)).searchParams.get('code')!, verifier);
    const oldKid = JSON.parse(Buffer.from(before.access_token.split('.')[0], 'base64url').toString()).kid;

    const rotated = await t.app.get(KeysService).rotate({}, { now: true });
    const newKid = rotated.keys.find((k) => k.alg === 'ES256')!.kid;
    expect(newKid).not.toBe(oldKid);

    const keySet = await jwks();
    await jwtVerify(before.access_token, keySet, { issuer: ISSUER });
    await jwtVerify(before.id_token, keySet, { issuer: ISSUER });
    await t.http().get('/oauth/userinfo').set('Authorization', `Bearer ${before.access_token}`).expect(200);

    const after = await oauth.refresh(t.http(), client, before.refresh_token).expect(200);
    const kid = JSON.parse(Buffer.from(after.body.access_token.split('.')[0], 'base64url').toString()).kid;
    expect(kid).toBe(newKid);
    await jwtVerify(after.body.access_token, keySet, { issuer: ISSUER });
  });

  describe('RP-Initiated Logout', () => {
    const LOGGED_OUT = 'https://rp.example/logged-out';

    async function signedInWithIdToken() {
      const rp = await t.createClient({
        redirect_uris: [REDIRECT],
        post_logout_redirect_uris: [LOGGED_OUT],
        scope: 'openid',
      });
      const browser = t.browser();
      const pkce = pkcePair();
      const location = await authorize(
        browser,
        {
          response_type: 'code',
          client_id: rp.client_id,
          redirect_uri: REDIRECT,
          scope: 'openid',
          code_challenge: pkce.challenge,
          code_challenge_method: 'S256',
        },
        user,
      );
      const tokens = await oauth
        .token(t.http(), rp, {
          grant_type: 'authorization_code',
          code: location.searchParams.get('code'),
          redirect_uri: REDIRECT,
          code_verifier: pkce.verifier,
        })
        .expect(200);
      return { browser, idToken: tokens.body.id_token as string };
    }

    it('asks for confirmation, ends the session and returns to the registered URI with state', async () => {
      const { browser, idToken } = await signedInWithIdToken();
      const query = new URLSearchParams({ id_token_hint: idToken, post_logout_redirect_uri: LOGGED_OUT, state: 'bye' });
      const page = await browser.get(`/logout?${query}`).expect(200);
      expect(page.text).toMatch(/>Sign out</);
      await browser.get('/').expect(200);

      const res = await browser.post('/logout').type('form').send(hiddenFields(page.text)).expect(303);
      expect(res.headers.location).toBe(`${LOGGED_OUT}?state=bye`);
      const home = await browser.get('/').expect(303);
      expect(home.headers.location).toBe('/login');
    });

    it('refuses a post_logout_redirect_uri not registered for the client, with an error page', async () => {
      const { browser, idToken } = await signedInWithIdToken();
      const query = new URLSearchParams({ id_token_hint: idToken, post_logout_redirect_uri: 'https://evil.example/' });
      const res = await browser.get(`/logout?${query}`).expect(400);
      expect(res.headers.location).toBeUndefined();
      expect(res.text).toContain('not registered');
    });

    it('refuses an id_token_hint this provider did not issue, and an access token as hint', async () => {
      const { browser } = await signedInWithIdToken();
      await browser.get(`/logout?id_token_hint=${'e30.e30.sig'}`).expect(400);
      const api = await t.createClient({ redirect_uris: [], grant_types: ['client_credentials'], scope: '' });
      const cc = await oauth.token(t.http(), api, { grant_type: 'client_credentials' }).expect(200);
      await browser.get(`/logout?id_token_hint=${cc.body.access_token}`).expect(400);
    });
  });

  it('keeps hidden consent fields intact for values that need escaping', async () => {
    const browser = t.browser();
    await signIn(browser, user.username, user.password);
    const { query } = params({ state: '"><script>x</script>&=', prompt: 'consent' });
    const page = await browser.get(authorizeUrl(query)).expect(200);
    expect(page.text).not.toContain('<script>x</script>');
    expect(hiddenFields(page.text).state).toBe('"><script>x</script>&=');
  });
});

// Its own app with short-lived tokens; apps in one process share passport's strategy registry, so one at a time.
// Its own database too: on MySQL, test files running alongside rotate and make keys in the shared one.
describe('signing key retirement', () => {
  it('drops a retired key from the JWKS once every token it signed, on any instance, has expired', async () => {
    const database = await privateDatabase('keys');
    // No API, whose tokens would outlive ACCESS_TOKEN_TTL.
    const short = await createTestApp({ ...database.env, ACCESS_TOKEN_TTL: '1' }, { testApi: false });
    const kids = async () =>
      (await short.http().get('/oauth/jwks').expect(200)).body.keys.map((k: { kid: string }) => k.kid);
    try {
      const keys = short.app.get(KeysService);
      const before = await kids();
      await keys.rotate({}, { now: true });
      expect(await kids()).toEqual(expect.arrayContaining(before));
      // Past this instance's token lifetime, but another instance may have signed with the old keys
      // until it looked for new ones (every 5 s), and their tokens live a second after that.
      await new Promise((r) => setTimeout(r, 2100));
      expect(await kids()).toEqual(expect.arrayContaining(before));
      await new Promise((r) => setTimeout(r, 4100));
      const after = await kids();
      expect(after).toHaveLength(2);
      for (const kid of before) expect(after).not.toContain(kid);
    } finally {
      await short.close();
      await database.drop();
    }
  });
});
