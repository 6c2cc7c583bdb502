import { createLocalJWKSet, jwtVerify } from 'jose';
import { ClientWithSecret } from '../src/clients/clients.service';
import { createTestApp, TestApp } from './helpers/create-test-app';
import { authorize, authorizeUrl, hiddenFields, pkcePair, signIn } from './helpers/oauth-client';
import * as oauth from './helpers/partner';

const REDIRECT = 'https://partner.example/callback';

describe('authorization code flow', () => {
  let t: TestApp;
  let client: ClientWithSecret;
  let user: Awaited<ReturnType<TestApp['createUser']>>;

  beforeAll(async () => {
    t = await createTestApp();
    client = await t.createClient({
      name: 'Partner <b>App</b>',
      redirect_uris: [REDIRECT, 'https://partner.example/other'],
    });
    user = await t.createUser();
  });
  afterAll(() => t.close());

  /** Walks login and consent and returns the code and the PKCE verifier that goes with it. */
  async function obtainCode(overrides: Record<string, string | undefined> = {}, forClient = client) {
    const pkce = pkcePair();
    const location = await authorize(
      t.browser(),
      {
        response_type: 'code',
        client_id: forClient.client_id,
        redirect_uri: REDIRECT,
        scope: 'openid profile',
        state: 'xyz-state',
        code_challenge: pkce.challenge,
        code_challenge_method: 'S256',
        ...overrides,
      },
      user,
    );
    return { location, code: location.searchParams.get('code')!, verifier: pkce.verifier };
  }

  function exchange(code: string, verifier: string | undefined, extra: Record<string, string> = {}, auth = client) {
    const body: Record<string, string> = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, ...extra };
    if (verifier) body.code_verifier = verifier;
    return oauth.token(t.http(), auth, body);
  }

  it('names who is signed in on the consent page; “Not you?” ends the session and starts the same request at the login page', async () => {
    const someoneElse = await t.createUser({ name: 'Bob Other' });
    const browser = t.browser();
    const { challenge } = pkcePair();
    const query = {
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: REDIRECT,
      scope: 'openid profile',
      state: 'not-you',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    };
    await signIn(browser, user.username, user.password);
    const consent = await browser.get(authorizeUrl(query)).expect(200);
    expect(consent.text).toContain(`Signed in as <strong>${user.username}</strong>`);
    expect(consent.text).toMatch(
      /<button type="submit" name="decision" value="switch_account"[^>]*>Not you\?<\/button>/,
    );

    const notYou = await browser
      .post('/oauth/authorize')
      .type('form')
      .send({ ...hiddenFields(consent.text), decision: 'switch_account' })
      .expect(303);
    const login = new URL(notYou.headers.location, 'http://provider');
    expect(login.pathname).toBe('/login');
    const again = new URL(login.searchParams.get('return_to')!, 'http://provider');
    expect(Object.fromEntries(again.searchParams)).toMatchObject(query);
    // The session has ended: the request now asks for a sign-in, and the next account to sign in is asked.
    expect((await browser.get(authorizeUrl(query)).expect(303)).headers.location).toMatch(/^\/login\?/);
    const next = await signIn(
      browser,
      someoneElse.username,
      someoneElse.password,
      login.searchParams.get('return_to')!,
    );
    const theirs = await browser.get(next).expect(200);
    expect(theirs.text).toContain('Signed in as <strong>Bob Other</strong>');
  });

  it('walks login, consent, code and token, and the access token verifies against the published JWKS', async () => {
    const { location, code, verifier } = await obtainCode();
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get('state')).toBe('xyz-state');
    expect(location.searchParams.get('iss')).toBe('http://localhost:3000');
    expect(code).toMatch(/^[A-Za-z0-9_-]{51}$/);

    const res = await exchange(code, verifier).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'openid profile',
      id_token: expect.any(String),
    });

    const jwks = await t.http().get('/oauth/jwks').expect(200);
    const { payload, protectedHeader } = await jwtVerify(res.body.access_token, createLocalJWKSet(jwks.body), {
      issuer: 'http://localhost:3000',
      audience: 'http://localhost:3000',
      typ: 'at+jwt',
    });
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload).toMatchObject({ sub: user.id, client_id: client.client_id, scope: 'openid profile' });
    expect(payload.jti).toEqual(expect.any(String));
    expect(payload.exp! - payload.iat!).toBe(3600);
  });

  it('sends a user without a session to the login page and back to the same request', async () => {
    const browser = t.browser();
    const url = authorizeUrl({
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: REDIRECT,
      scope: 'openid',
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'S256',
    });
    const res = await browser.get(url).expect(303);
    expect(res.headers.location).toBe(`/login?return_to=${encodeURIComponent(url)}`);
  });

  it('shows the client name escaped and each scope in words on the consent page', async () => {
    const browser = t.browser();
    await authorize(
      browser,
      {
        response_type: 'code',
        client_id: client.client_id,
        redirect_uri: REDIRECT,
        scope: 'openid',
        code_challenge: pkcePair().challenge,
        code_challenge_method: 'S256',
      },
      user,
    );
    const page = await browser
      .get(
        authorizeUrl({
          response_type: 'code',
          client_id: client.client_id,
          redirect_uri: REDIRECT,
          scope: 'profile email',
          prompt: 'consent',
          code_challenge: pkcePair().challenge,
          code_challenge_method: 'S256',
        }),
      )
      .expect(200);
    expect(page.text).toContain('Partner &lt;b&gt;App&lt;/b&gt;');
    expect(page.text).not.toContain('<b>App</b>');
    expect(page.text).toContain('See your name and username');
    expect(page.text).toContain('See your email address');
    expect(page.text).toMatch(/>Allow</);
    expect(page.text).toMatch(/>Deny</);
  });

  it('redirects with access_denied when the user denies', async () => {
    const location = await authorize(
      t.browser(),
      {
        response_type: 'code',
        client_id: client.client_id,
        redirect_uri: REDIRECT,
        state: 's1',
        prompt: 'consent',
        code_challenge: pkcePair().challenge,
        code_challenge_method: 'S256',
      },
      user,
      'deny',
    );
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('s1');
    expect(location.searchParams.get('code')).toBeNull();
  });

  describe('bad client or redirect URI: an error page, never a redirect', () => {
    it.each([
      ['an unknown client', { client_id: 'no-such-client', redirect_uri: REDIRECT }],
      ['no client', { client_id: undefined, redirect_uri: REDIRECT }],
      ['an unregistered redirect URI', { redirect_uri: 'https://evil.example/callback' }],
      ['a redirect URI differing in case', { redirect_uri: 'https://Partner.example/callback' }],
      ['a redirect URI with an extra path', { redirect_uri: `${REDIRECT}/x` }],
      ['a redirect URI with an extra query', { redirect_uri: `${REDIRECT}?a=1` }],
      ['a redirect URI with a trailing slash', { redirect_uri: `${REDIRECT}/` }],
      ['a missing redirect URI when several are registered', { redirect_uri: undefined }],
    ])('%s', async (_, params) => {
      const res = await t
        .browser()
        .get(authorizeUrl({ response_type: 'code', client_id: client.client_id, state: 's', ...params }))
        .expect(400);
      expect(res.headers.location).toBeUndefined();
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain('This request cannot be completed');
    });
  });

  it('uses the only registered redirect URI when the request leaves it out', async () => {
    const single = await t.createClient({ redirect_uris: ['https://single.example/cb'] });
    const pkce = pkcePair();
    const location = await authorize(
      t.browser(),
      {
        response_type: 'code',
        client_id: single.client_id,
        code_challenge: pkce.challenge,
        code_challenge_method: 'S256',
      },
      user,
    );
    expect(`${location.origin}${location.pathname}`).toBe('https://single.example/cb');
    const res = await oauth
      .token(t.http(), single, {
        grant_type: 'authorization_code',
        code: location.searchParams.get('code'),
        code_verifier: pkce.verifier,
      })
      .expect(200);
    expect(res.body.token_type).toBe('Bearer');
  });

  describe('other errors go back to the client with error, state and iss', () => {
    it.each([
      ['missing response_type', { response_type: undefined }, 'invalid_request'],
      ['response_type=token', { response_type: 'token' }, 'unsupported_response_type'],
      ['response_type="id_token token"', { response_type: 'id_token token' }, 'unsupported_response_type'],
      ['a scope outside the client’s', { scope: 'openid admin' }, 'invalid_scope'],
      [
        'code_challenge_method=plain',
        { code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' },
        'invalid_request',
      ],
      [
        'an unknown challenge method',
        { code_challenge: 'a'.repeat(43), code_challenge_method: 'S512' },
        'invalid_request',
      ],
      ['a challenge without a method', { code_challenge: 'a'.repeat(43) }, 'invalid_request'],
      ['a challenge too short', { code_challenge: 'a'.repeat(42), code_challenge_method: 'S256' }, 'invalid_request'],
    ])('%s', async (_, params, error) => {
      const res = await t
        .browser()
        .get(
          authorizeUrl({
            response_type: 'code',
            client_id: client.client_id,
            redirect_uri: REDIRECT,
            scope: 'openid',
            state: 'st&=1',
            ...params,
          }),
        )
        .expect(303);
      const location = new URL(res.headers.location);
      expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
      expect(location.searchParams.get('error')).toBe(error);
      expect(location.searchParams.get('error_description')).toEqual(expect.any(String));
      expect(location.searchParams.get('state')).toBe('st&=1');
      expect(location.searchParams.get('iss')).toBe('http://localhost:3000');
    });

    it('a public client without PKCE', async () => {
      const pub = await t.createClient({ token_endpoint_auth_method: 'none' });
      const res = await t
        .browser()
        .get(authorizeUrl({ response_type: 'code', client_id: pub.client_id, redirect_uri: REDIRECT, state: 'p' }))
        .expect(303);
      expect(new URL(res.headers.location).searchParams.get('error')).toBe('invalid_request');
    });
  });

  describe('token endpoint failures', () => {
    it('refuses a wrong secret with 401 and a Basic challenge', async () => {
      const { code, verifier } = await obtainCode();
      const res = await exchange(code, verifier, {}, { ...client, client_secret: 'wrong' }).expect(401);
      expect(res.body.error).toBe('invalid_client');
      expect(res.headers['www-authenticate']).toMatch(/^Basic/);
      expect(res.headers['cache-control']).toBe('no-store');
      // The code was not spent by the failed attempt.
      await exchange(code, verifier).expect(200);
    });

    it('refuses the code of another client', async () => {
      const other = await t.createClient({ redirect_uris: [REDIRECT] });
      const { code, verifier } = await obtainCode();
      const res = await exchange(code, verifier, {}, other).expect(400);
      expect(res.body.error).toBe('invalid_grant');
    });

    it('refuses a code used twice', async () => {
      const { code, verifier } = await obtainCode();
      await exchange(code, verifier).expect(200);
      const res = await exchange(code, verifier).expect(400);
      expect(res.body).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
    });

    it.each([
      ['missing', { redirect_uri: undefined }],
      ['different', { redirect_uri: 'https://partner.example/other' }],
    ])('refuses a %s redirect_uri', async (_, override) => {
      const { code, verifier } = await obtainCode();
      const body: Record<string, string> = { grant_type: 'authorization_code', code, code_verifier: verifier };
      if (override.redirect_uri) body.redirect_uri = override.redirect_uri;
      const res = await oauth.token(t.http(), client, body).expect(400);
      expect(res.body.error).toBe('invalid_grant');
    });

    it.each([
      ['wrong', () => pkcePair().verifier],
      ['missing', () => undefined],
      ['malformed', () => 'short'],
    ])('refuses a %s PKCE verifier', async (_, verifierFor) => {
      const { code } = await obtainCode();
      const res = await exchange(code, verifierFor()).expect(400);
      expect(res.body.error).toBe('invalid_grant');
    });

    it('refuses a verifier for a code made without a challenge (PKCE downgrade)', async () => {
      const legacy = await t.createClient({ redirect_uris: [REDIRECT], require_pkce: false });
      const { code } = await obtainCode({ code_challenge: undefined, code_challenge_method: undefined }, legacy);
      expect(code).toEqual(expect.any(String));
      const res = await exchange(code, pkcePair().verifier, {}, legacy).expect(400);
      expect(res.body.error).toBe('invalid_grant');
    });

    it('refuses an unknown grant type', async () => {
      const res = await oauth.token(t.http(), client, { grant_type: 'urn:example:unknown' }).expect(400);
      expect(res.body.error).toBe('unsupported_grant_type');
      const password = await oauth
        .token(t.http(), client, { grant_type: 'password', username: user.username, password: user.password })
        .expect(400);
      expect(password.body.error).toBe('unsupported_grant_type');
    });

    it('gives exactly one token to 20 concurrent exchanges of one code', async () => {
      const { code, verifier } = await obtainCode();
      const results = await Promise.all(Array.from({ length: 20 }, () => exchange(code, verifier)));
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      const losers = results.filter((r) => r.status !== 200);
      expect(losers).toHaveLength(19);
      for (const r of losers) expect(r.body.error).toBe('invalid_grant');
    });
  });

  describe('public client', () => {
    it('exchanges with client_id and verifier only', async () => {
      const pub = await t.createClient({ token_endpoint_auth_method: 'none', redirect_uris: [REDIRECT] });
      const { code, verifier } = await obtainCode({}, pub);
      const res = await oauth
        .token(t.http(), null, {
          grant_type: 'authorization_code',
          client_id: pub.client_id,
          code,
          redirect_uri: REDIRECT,
          code_verifier: verifier,
        })
        .expect(200);
      expect(res.body.access_token).toEqual(expect.any(String));
    });
  });
});

describe('authorization code expiry', () => {
  it('refuses a code after AUTH_CODE_TTL', async () => {
    const t = await createTestApp({ AUTH_CODE_TTL: '1' });
    try {
      const client = await t.createClient({ redirect_uris: [REDIRECT] });
      const user = await t.createUser();
      const pkce = pkcePair();
      const location = await authorize(
        t.browser(),
        {
          response_type: 'code',
          client_id: client.client_id,
          redirect_uri: REDIRECT,
          code_challenge: pkce.challenge,
          code_challenge_method: 'S256',
        },
        user,
      );
      await new Promise((r) => setTimeout(r, 1100));
      const res = await oauth
        .token(t.http(), client, {
          grant_type: 'authorization_code',
          code: location.searchParams.get('code'),
          redirect_uri: REDIRECT,
          code_verifier: pkce.verifier,
        })
        .expect(400);
      expect(res.body.error).toBe('invalid_grant');
    } finally {
      await t.close();
    }
  });
});
