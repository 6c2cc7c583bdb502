import { DataSource } from 'typeorm';
import { ClientWithSecret } from '../src/clients/clients.service';
import { randomToken, sha256, tokenDigest } from '../src/common/crypto/tokens';
import { RefreshTokenEntity } from '../src/tokens/entities/refresh-token.entity';
import { createTestApp, TestApp } from './helpers/create-test-app';
import { authorize, pkcePair } from './helpers/oauth-client';
import * as oauth from './helpers/partner';

const REDIRECT = 'https://partner.example/callback';

describe('refresh tokens, revocation and introspection', () => {
  let t: TestApp;
  let client: ClientWithSecret;
  let other: ClientWithSecret;
  let resourceServer: ClientWithSecret;
  let user: Awaited<ReturnType<TestApp['createUser']>>;

  beforeAll(async () => {
    t = await createTestApp();
    const metadata = {
      redirect_uris: [REDIRECT],
      grant_types: ['authorization_code', 'refresh_token'],
      scope: 'openid profile email',
    };
    client = await t.createClient(metadata);
    other = await t.createClient(metadata);
    resourceServer = await t.createClient({
      name: 'API',
      redirect_uris: [],
      grant_types: ['client_credentials'],
      scope: '',
      resource_server: true,
    });
    user = await t.createUser({ name: 'Ada', email: 'ada@example.com' });
  });
  afterAll(() => t.close());

  async function codeFor(as = client) {
    const pkce = pkcePair();
    const location = await authorize(
      t.browser(),
      {
        response_type: 'code',
        client_id: as.client_id,
        redirect_uri: REDIRECT,
        scope: 'openid profile email',
        code_challenge: pkce.challenge,
        code_challenge_method: 'S256',
      },
      user,
    );
    return { code: location.searchParams.get('code')!, verifier: pkce.verifier };
  }

  async function tokens(as = client) {
    const res = await oauth.exchange(t.http(), as, await codeFor(as)).expect(200);
    return res.body as { access_token: string; refresh_token: string; id_token: string; scope: string };
  }

  const refresh = (token: string, as = client, extra: oauth.Params = {}) => oauth.refresh(t.http(), as, token, extra);
  const introspect = (token: string, hint?: string) =>
    oauth
      .introspect(t.http(), resourceServer, token, hint)
      .expect(200)
      .then((r) => r.body);

  it('issues a refresh token with the code exchange and rotates it on every use', async () => {
    const first = await tokens();
    expect(first.refresh_token).toMatch(/^[A-Za-z0-9_-]{51}$/);
    const second = await refresh(first.refresh_token).expect(200);
    expect(second.headers['cache-control']).toBe('no-store');
    expect(second.body).toMatchObject({
      token_type: 'Bearer',
      scope: 'openid profile email',
      refresh_token: expect.any(String),
      access_token: expect.any(String),
    });
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    await refresh(second.body.refresh_token).expect(200);
  });

  it('treats a rotated refresh token presented again as theft and revokes the whole grant', async () => {
    const first = await tokens();
    const second = (await refresh(first.refresh_token).expect(200)).body;
    expect(await introspect(second.access_token)).toMatchObject({ active: true });

    oauth.expectOAuthError(await refresh(first.refresh_token), 400, 'invalid_grant');
    expect(await introspect(second.access_token)).toEqual({ active: false });
    expect(await introspect(first.access_token)).toEqual({ active: false });
    oauth.expectOAuthError(await refresh(second.refresh_token), 400, 'invalid_grant');
  });

  it('refuses, as reuse, a token rotated before successors named their parent (its used_at set)', async () => {
    const first = await tokens();
    // What a rotation by an earlier version left behind: the token marked used, its successor unlinked.
    await t.app
      .get(DataSource)
      .getRepository(RefreshTokenEntity)
      .update({ tokenHash: tokenDigest(first.refresh_token) }, { usedAt: new Date() });
    const asOwner = await oauth.introspect(t.http(), client, first.refresh_token).expect(200);
    expect(asOwner.body).toEqual({ active: false });
    oauth.expectOAuthError(await refresh(first.refresh_token), 400, 'invalid_grant');
    // Reuse: the grant, and the access token it gave, are revoked.
    expect(await introspect(first.access_token)).toEqual({ active: false });
  });

  it('rotates a token made before tokens began with their time (43 characters, stored by its whole SHA-256)', async () => {
    const first = await tokens();
    // The same row, as an earlier version stored it for an earlier token.
    const earlier = randomToken(32);
    await t.app
      .get(DataSource)
      .getRepository(RefreshTokenEntity)
      .update({ tokenHash: tokenDigest(first.refresh_token) }, { tokenHash: sha256(earlier) });
    expect(tokenDigest(earlier)).toBe(sha256(earlier));
    oauth.expectOAuthError(await refresh(first.refresh_token), 400, 'invalid_grant');

    const rotated = await refresh(earlier).expect(200);
    expect(rotated.body.refresh_token).not.toHaveLength(earlier.length);
    await refresh(rotated.body.refresh_token).expect(200);
    // Presented again, the earlier token is reuse: its grant is revoked.
    oauth.expectOAuthError(await refresh(earlier), 400, 'invalid_grant');
    expect(await introspect(rotated.body.access_token)).toEqual({ active: false });
  });

  it('gives exactly one success to 10 concurrent refreshes of one token', async () => {
    const { refresh_token } = await tokens();
    const results = await Promise.all(Array.from({ length: 10 }, () => refresh(refresh_token)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of results.filter((r) => r.status !== 200)) oauth.expectOAuthError(r, 400, 'invalid_grant');
    // Later reuse is still detected.
    oauth.expectOAuthError(await refresh(refresh_token), 400, 'invalid_grant');
  });

  it('may narrow the scope on refresh but never widen it', async () => {
    const { refresh_token } = await tokens();
    const narrowed = await refresh(refresh_token, client, { scope: 'openid' }).expect(200);
    expect(narrowed.body.scope).toBe('openid');
    const widened = await refresh(narrowed.body.refresh_token, client, { scope: 'openid profile email admin' });
    oauth.expectOAuthError(widened, 400, 'invalid_scope');
    // The refresh token keeps the grant's whole scope.
    const again = await refresh(narrowed.body.refresh_token).expect(200);
    expect(again.body.scope).toBe('openid profile email');
  });

  it('refuses another client’s refresh token without spending it', async () => {
    const { refresh_token } = await tokens();
    oauth.expectOAuthError(await refresh(refresh_token, other), 400, 'invalid_grant');
    await refresh(refresh_token).expect(200);
  });

  it('revokes the first exchange’s tokens when a code is replayed', async () => {
    const { code, verifier } = await codeFor();
    const first = (await oauth.exchange(t.http(), client, { code, verifier }).expect(200)).body;
    expect(await introspect(first.access_token)).toMatchObject({ active: true });
    oauth.expectOAuthError(await oauth.exchange(t.http(), client, { code, verifier }), 400, 'invalid_grant');
    expect(await introspect(first.access_token)).toEqual({ active: false });
    oauth.expectOAuthError(await refresh(first.refresh_token), 400, 'invalid_grant');
  });

  describe('introspection', () => {
    it('describes an active access token', async () => {
      const { access_token } = await tokens();
      const res = await oauth.introspect(t.http(), resourceServer, access_token).expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({
        active: true,
        scope: 'openid profile email',
        client_id: client.client_id,
        sub: user.id,
        exp: expect.any(Number),
        iat: expect.any(Number),
        iss: 'http://localhost:3000',
        aud: 'http://localhost:3000',
        jti: expect.any(String),
        token_type: 'Bearer',
      });
    });

    it('describes the asking client’s own refresh token, and no one else’s', async () => {
      const { refresh_token } = await tokens();
      const own = await oauth.introspect(t.http(), client, refresh_token, 'refresh_token').expect(200);
      expect(own.body).toMatchObject({
        active: true,
        client_id: client.client_id,
        sub: user.id,
        token_type: 'refresh_token',
      });
      expect((await oauth.introspect(t.http(), resourceServer, refresh_token).expect(200)).body).toEqual({
        active: false,
      });
    });

    it.each([['garbage'], ['a.b.c'], ['eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'], ['']])(
      'answers %p with active:false and nothing more',
      async (token) => {
        const res = await oauth.introspect(t.http(), resourceServer, token).expect(200);
        expect(res.body).toEqual({ active: false });
      },
    );

    it('requires client authentication', async () => {
      const { access_token } = await tokens();
      // The error alone: no `active` member (RFC 7662 §2.3).
      oauth.expectOAuthError(await oauth.introspect(t.http(), null, access_token), 401, 'invalid_client');
      const pub = await t.createClient({ token_endpoint_auth_method: 'none' });
      await oauth.introspect(t.http(), null, { token: access_token, client_id: pub.client_id }).expect(401);
    });
  });

  describe('revocation', () => {
    it('revoking an access token kills it for introspection and userinfo, and leaves the refresh token', async () => {
      const { access_token, refresh_token } = await tokens();
      await t.http().get('/oauth/userinfo').set('Authorization', `Bearer ${access_token}`).expect(200);
      const res = await oauth.revoke(t.http(), client, access_token, 'access_token').expect(200);
      expect(res.text).toBe('');
      expect(await introspect(access_token)).toEqual({ active: false });
      await t.http().get('/oauth/userinfo').set('Authorization', `Bearer ${access_token}`).expect(401);
      await refresh(refresh_token).expect(200);
    });

    it('revoking a refresh token revokes the access tokens of its grant, whatever the hint says', async () => {
      const { access_token, refresh_token } = await tokens();
      await oauth.revoke(t.http(), client, refresh_token, 'access_token').expect(200);
      oauth.expectOAuthError(await refresh(refresh_token), 400, 'invalid_grant');
      expect(await introspect(access_token)).toEqual({ active: false });
      await t.http().get('/oauth/userinfo').set('Authorization', `Bearer ${access_token}`).expect(401);
    });

    it('answers 200 and changes nothing when another client revokes a token', async () => {
      const { access_token, refresh_token } = await tokens();
      await oauth.revoke(t.http(), other, access_token).expect(200);
      await oauth.revoke(t.http(), other, refresh_token).expect(200);
      expect(await introspect(access_token)).toMatchObject({ active: true });
      await refresh(refresh_token).expect(200);
    });

    it('answers 200 for an unknown token, and 401 without client authentication', async () => {
      await oauth.revoke(t.http(), client, 'no-such-token').expect(200);
      oauth.expectOAuthError(await oauth.revoke(t.http(), null, 'x'), 401, 'invalid_client');
    });

    it('requires the token parameter', async () => {
      oauth.expectOAuthError(await oauth.revoke(t.http(), client, {}), 400, 'invalid_request');
    });
  });
});
