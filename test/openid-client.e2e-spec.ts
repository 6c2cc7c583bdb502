import { createHash } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import * as client from 'openid-client';
import { ClientWithSecret } from '../src/clients/clients.service';
import { createTestApp, TestApp } from './helpers/create-test-app';
import { freePort } from './helpers/free-port';
import { authorize } from './helpers/oauth-client';

/**
 * Interoperability: certified relying-party libraries (openid-client, and
 * oauth4webapi beneath it) used exactly as a partner app would, against the
 * provider listening on a real port. Only the person's part (login and
 * consent pages) is driven by hand.
 */

/** OpenID Connect Core §3.1.3.6: base64url of the left half of the SHA-256 of the access token. */
function atHash(accessToken: string): string {
  return createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url');
}

type User = Awaited<ReturnType<TestApp['createUser']>>;

describe('interoperability with certified client libraries', () => {
  let t: TestApp;
  let issuer: string;
  let redirectUri: string;
  let user: User;

  beforeAll(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    // Nothing listens at the redirect URI: the browser's redirect is only read, never followed.
    redirectUri = `http://127.0.0.1:${await freePort()}/cb`;
    t = await createTestApp({ ISSUER: issuer, PORT: String(port) });
    await t.app.listen(port, '127.0.0.1');
    user = await t.createUser({ name: 'Ada Lovelace', email: 'ada@example.com' });
  });
  afterAll(() => t?.close());

  /** The person's part: login and consent through the provider's pages, then the URL the browser is sent back to. */
  function userAuthorizes(authorizationUrl: URL): Promise<URL> {
    expect(`${authorizationUrl.origin}${authorizationUrl.pathname}`).toBe(`${issuer}/oauth/authorize`);
    return authorize(t.browser(), Object.fromEntries(authorizationUrl.searchParams), user);
  }

  /** A fresh PKCE pair, state and nonce, and the authorization URL openid-client builds with them. */
  async function authorizationRequest(config: client.Configuration, scope: string) {
    const pkceCodeVerifier = client.randomPKCECodeVerifier();
    const expectedState = client.randomState();
    const expectedNonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope,
      code_challenge: await client.calculatePKCECodeChallenge(pkceCodeVerifier),
      code_challenge_method: 'S256',
      state: expectedState,
      nonce: expectedNonce,
    });
    return { url, checks: { pkceCodeVerifier, expectedState, expectedNonce, idTokenExpected: true } };
  }

  describe('openid-client, confidential client', () => {
    let partner: ClientWithSecret;
    let config: client.Configuration;

    beforeAll(async () => {
      partner = await t.createClient({
        grant_types: ['authorization_code', 'refresh_token'],
        scope: 'openid profile email offline_access',
        redirect_uris: [redirectUri],
      });
      // The client is registered for client_secret_basic (the default), so it authenticates that way.
      // enableNonRepudiationChecks makes the library verify ID token signatures against jwks_uri too.
      config = await client.discovery(
        new URL(issuer),
        partner.client_id,
        partner.client_secret,
        client.ClientSecretBasic(partner.client_secret),
        { execute: [client.allowInsecureRequests, client.enableNonRepudiationChecks] },
      );
    });

    it('discovers the provider', () => {
      const metadata = config.serverMetadata();
      expect(metadata).toMatchObject({
        issuer,
        authorization_endpoint: `${issuer}/oauth/authorize`,
        token_endpoint: `${issuer}/oauth/token`,
        userinfo_endpoint: `${issuer}/oauth/userinfo`,
        jwks_uri: `${issuer}/oauth/jwks`,
        revocation_endpoint: `${issuer}/oauth/revoke`,
        introspection_endpoint: `${issuer}/oauth/introspect`,
        authorization_response_iss_parameter_supported: true,
      });
      expect(metadata.supportsPKCE()).toBe(true);
      expect(metadata.supportsPKCE('plain')).toBe(false);
      expect(metadata.token_endpoint_auth_methods_supported).toEqual(
        expect.arrayContaining(['client_secret_basic', 'client_secret_post', 'none']),
      );
      expect(metadata.scopes_supported).toEqual(
        expect.arrayContaining(['openid', 'profile', 'email', 'offline_access']),
      );
    });

    it('signs the user in, then refreshes, introspects and revokes', async () => {
      // Authorization request and the user's answer.
      const { url, checks } = await authorizationRequest(config, 'openid profile email offline_access');
      expect(url.searchParams.get('client_id')).toBe(partner.client_id);
      const callback = await userAuthorizes(url);
      expect(`${callback.origin}${callback.pathname}`).toBe(redirectUri);
      expect(callback.searchParams.get('code')).toEqual(expect.any(String));
      expect(callback.searchParams.get('iss')).toBe(issuer);

      // Code for tokens: the library checks state, iss (RFC 9207), PKCE and the ID token, signature included.
      const tokens = await client.authorizationCodeGrant(config, callback, checks);
      expect(tokens.token_type).toBe('bearer');
      expect(tokens.scope).toBe('openid profile email offline_access');
      expect(tokens.expiresIn()).toBeGreaterThan(3590);
      expect(tokens.expiresIn()).toBeLessThanOrEqual(3600);
      expect(tokens.refresh_token).toEqual(expect.any(String));
      expect(tokens.id_token).toEqual(expect.any(String));
      const claims = tokens.claims()!;
      expect(claims).toMatchObject({
        iss: issuer,
        sub: user.id,
        aud: partner.client_id,
        azp: partner.client_id,
        nonce: checks.expectedNonce,
      });
      expect(claims.auth_time).toEqual(expect.any(Number));
      // The library leaves at_hash of a code flow alone (it is optional there, Core §3.1.3.6); check it here.
      expect(claims.at_hash).toBe(atHash(tokens.access_token));

      // UserInfo (Core §5.3), the library checking that sub is the ID token's.
      const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
      expect(info).toMatchObject({
        sub: user.id,
        name: 'Ada Lovelace',
        preferred_username: user.username,
        email: 'ada@example.com',
      });

      // Introspection (RFC 7662).
      const introspected = await client.tokenIntrospection(config, tokens.access_token);
      expect(introspected).toMatchObject({
        active: true,
        sub: user.id,
        client_id: partner.client_id,
        scope: 'openid profile email offline_access',
        iss: issuer,
      });

      // Refresh (RFC 6749 §6), with rotation.
      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
      expect(refreshed.access_token).toEqual(expect.any(String));
      expect(refreshed.access_token).not.toBe(tokens.access_token);
      expect(refreshed.refresh_token).toEqual(expect.any(String));
      expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
      expect(refreshed.scope).toBe('openid profile email offline_access');
      // Core §12.2: a refreshed ID token names the same user, issuer and audience.
      expect(refreshed.claims()).toMatchObject({ iss: issuer, sub: user.id, aud: partner.client_id });
      expect(await client.tokenIntrospection(config, refreshed.access_token)).toMatchObject({
        active: true,
        sub: user.id,
      });

      // Revocation (RFC 7009) of the refresh token takes the grant's access tokens with it (§2.1).
      await client.tokenRevocation(config, refreshed.refresh_token!);
      expect(await client.tokenIntrospection(config, refreshed.access_token)).toEqual({ active: false });
      expect(
        await client.tokenIntrospection(config, refreshed.refresh_token!, { token_type_hint: 'refresh_token' }),
      ).toEqual({ active: false });
      await expect(client.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({
        error: 'invalid_grant',
      });
      // The first refresh token was rotated away and stays spent.
      await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
        error: 'invalid_grant',
      });
      await expect(client.fetchUserInfo(config, refreshed.access_token, user.id)).rejects.toBeInstanceOf(
        client.WWWAuthenticateChallengeError,
      );
    });

    it('reports a wrong state before spending the code', async () => {
      const { url, checks } = await authorizationRequest(config, 'openid');
      const callback = await userAuthorizes(url);
      const wrongState = client.authorizationCodeGrant(config, callback, {
        ...checks,
        expectedState: client.randomState(),
      });
      await expect(wrongState).rejects.toBeInstanceOf(client.ClientError);
      await expect(wrongState).rejects.toMatchObject({
        code: 'OAUTH_INVALID_RESPONSE',
        cause: { message: expect.stringMatching(/"state"/) },
      });
      const tokens = await client.authorizationCodeGrant(config, callback, checks);
      expect(tokens.claims()?.sub).toBe(user.id);
    });
  });

  describe('openid-client, other client authentication', () => {
    it('a client registered for client_secret_post works with the library default', async () => {
      const partner = await t.createClient({
        scope: 'openid profile',
        redirect_uris: [redirectUri],
        token_endpoint_auth_method: 'client_secret_post',
      });
      const config = await client.discovery(new URL(issuer), partner.client_id, partner.client_secret, undefined, {
        execute: [client.allowInsecureRequests],
      });
      const { url, checks } = await authorizationRequest(config, 'openid profile');
      const tokens = await client.authorizationCodeGrant(config, await userAuthorizes(url), checks);
      expect(tokens.claims()).toMatchObject({ sub: user.id, nonce: checks.expectedNonce });
      const info = await client.fetchUserInfo(config, tokens.access_token, user.id);
      expect(info).toMatchObject({ sub: user.id, name: 'Ada Lovelace' });
      expect(info.email).toBeUndefined();
    });

    it('a public client completes the code flow with PKCE', async () => {
      const partner = await t.createClient({
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        scope: 'openid profile',
        redirect_uris: [redirectUri],
      });
      expect(partner.client_secret).toBeUndefined();
      const config = await client.discovery(new URL(issuer), partner.client_id, undefined, client.None(), {
        execute: [client.allowInsecureRequests, client.enableNonRepudiationChecks],
      });
      const { url, checks } = await authorizationRequest(config, 'openid profile');
      const tokens = await client.authorizationCodeGrant(config, await userAuthorizes(url), checks);
      expect(tokens.claims()).toMatchObject({
        iss: issuer,
        sub: user.id,
        aud: partner.client_id,
        nonce: checks.expectedNonce,
      });
      expect(tokens.claims()?.at_hash).toBe(atHash(tokens.access_token));
      expect(await client.fetchUserInfo(config, tokens.access_token, user.id)).toMatchObject({
        preferred_username: user.username,
      });
      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
      expect(refreshed.access_token).not.toBe(tokens.access_token);
    });

    it('a public client cannot redeem its code without the PKCE verifier', async () => {
      const partner = await t.createClient({
        token_endpoint_auth_method: 'none',
        scope: 'openid',
        redirect_uris: [redirectUri],
      });
      const config = await client.discovery(new URL(issuer), partner.client_id, undefined, client.None(), {
        execute: [client.allowInsecureRequests],
      });
      const { url, checks } = await authorizationRequest(config, 'openid');
      const callback = await userAuthorizes(url);
      await expect(
        client.authorizationCodeGrant(config, callback, {
          ...checks,
          pkceCodeVerifier: client.randomPKCECodeVerifier(),
        }),
      ).rejects.toMatchObject({ error: 'invalid_grant' });
    });
  });

  describe('oauth4webapi', () => {
    it('discovers, runs the code flow with PKCE and reads UserInfo', async () => {
      const partner = await t.createClient({ scope: 'openid profile email', redirect_uris: [redirectUri] });
      const insecure = { [oauth.allowInsecureRequests]: true };
      const issuerUrl = new URL(issuer);
      const as = await oauth.processDiscoveryResponse(
        issuerUrl,
        await oauth.discoveryRequest(issuerUrl, { algorithm: 'oidc', ...insecure }),
      );
      expect(as.issuer).toBe(issuer);
      const oauthClient: oauth.Client = { client_id: partner.client_id };
      const clientAuth = oauth.ClientSecretBasic(partner.client_secret!);

      const verifier = oauth.generateRandomCodeVerifier();
      const state = oauth.generateRandomState();
      const nonce = oauth.generateRandomNonce();
      const url = new URL(as.authorization_endpoint!);
      url.search = new URLSearchParams({
        response_type: 'code',
        client_id: partner.client_id,
        redirect_uri: redirectUri,
        scope: 'openid profile email',
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      }).toString();

      const params = oauth.validateAuthResponse(as, oauthClient, await userAuthorizes(url), state);
      const response = await oauth.authorizationCodeGrantRequest(
        as,
        oauthClient,
        clientAuth,
        params,
        redirectUri,
        verifier,
        insecure,
      );
      const result = await oauth.processAuthorizationCodeResponse(as, oauthClient, response, {
        expectedNonce: nonce,
        requireIdToken: true,
      });
      // The ID token's signature, against the provider's jwks_uri.
      await oauth.validateApplicationLevelSignature(as, response, insecure);
      expect(result.token_type).toBe('bearer');
      const claims = oauth.getValidatedIdTokenClaims(result)!;
      expect(claims).toMatchObject({ iss: issuer, sub: user.id, aud: partner.client_id, nonce });

      const info = await oauth.processUserInfoResponse(
        as,
        oauthClient,
        claims.sub,
        await oauth.userInfoRequest(as, oauthClient, result.access_token, insecure),
      );
      expect(info).toMatchObject({
        sub: user.id,
        name: 'Ada Lovelace',
        preferred_username: user.username,
        email: 'ada@example.com',
      });
    });
  });
});
