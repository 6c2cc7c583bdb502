import { aClient, anApi, fakeApis, fakeClientResolver } from '../../test/helpers/fakes';
import { InvalidRequestError, OAuthError } from '../common/oauth/oauth.error';
import { RedirectableAuthorizationError } from '../common/oauth/redirectable-authorization.error';
import { AuthorizationRequestValidator } from './authorization-request.validator';

const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const CB = 'https://partner.example/cb';
const API = 'https://api.example';

describe('AuthorizationRequestValidator', () => {
  const partner = aClient({ redirectUris: [CB, 'https://partner.example/other'], scope: 'openid api' });
  const single = aClient({ clientId: 'single', redirectUris: [CB], scope: 'openid' });
  const legacy = aClient({ clientId: 'legacy', redirectUris: [CB], requirePkce: false });
  const publicClient = aClient({
    clientId: 'spa',
    redirectUris: [CB],
    tokenEndpointAuthMethod: 'none',
    requirePkce: false,
  });
  const robot = aClient({ clientId: 'robot', redirectUris: [CB], grantTypes: ['client_credentials'] });
  const sut = new AuthorizationRequestValidator(
    fakeClientResolver(partner, single, legacy, publicClient, robot),
    fakeApis(anApi(API, ['api']), anApi('https://other.example', ['reports'])),
  );

  const valid = {
    response_type: 'code',
    client_id: 'partner',
    redirect_uri: CB,
    scope: 'openid',
    state: 'xyz',
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
  };
  /** The valid request with `changes`; a parameter changed to undefined is left out. */
  const validate = (changes: Record<string, unknown> = {}) =>
    sut.validate(Object.fromEntries(Object.entries({ ...valid, ...changes }).filter(([, v]) => v !== undefined)));

  /** The error sent back to the client's redirect URI, with the state echoed. */
  async function redirected(changes: Record<string, unknown>): Promise<{ error: string; state?: string }> {
    const error: unknown = await validate(changes).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedirectableAuthorizationError);
    const { oauthError, redirectUri, state } = error as RedirectableAuthorizationError;
    expect(redirectUri).toBe(changes.redirect_uri ?? CB);
    return { error: oauthError.error, state };
  }

  /** The error shown to the user and never redirected. */
  async function shown(changes: Record<string, unknown>): Promise<OAuthError> {
    const error: unknown = await validate(changes).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    return error as OAuthError;
  }

  it('accepts a complete request and answers what it asks for', async () => {
    await expect(validate()).resolves.toMatchObject({
      client: partner,
      redirectUri: CB,
      redirectUriSent: true,
      scope: ['openid'],
      state: 'xyz',
      codeChallenge: CHALLENGE,
    });
  });

  describe('client and redirect URI: errors shown, never redirected (RFC 6749 §4.1.2.1)', () => {
    it('refuses a request naming no client, or one more than once', async () => {
      await shown({ client_id: undefined });
      await shown({ client_id: ['partner', 'partner'] });
    });

    it('refuses an unknown client', async () => {
      await shown({ client_id: 'nobody' });
    });

    it('refuses a redirect URI that is not registered, matched exactly (RFC 6749 §3.1.2.3)', async () => {
      await shown({ redirect_uri: `${CB}/` });
      await shown({ redirect_uri: 'https://attacker.example/cb' });
    });

    it('uses the only registered redirect URI when none is named, and requires one when several are (RFC 6749 §3.1.2.3)', async () => {
      await expect(validate({ client_id: 'single', redirect_uri: undefined })).resolves.toMatchObject({
        redirectUri: CB,
        redirectUriSent: false,
      });
      await shown({ redirect_uri: undefined });
    });
  });

  describe('everything else: errors redirected to the client with its state (RFC 6749 §4.1.2.1)', () => {
    it('requires response_type=code; implicit and hybrid are refused (RFC 9700 §2.1.2)', async () => {
      expect(await redirected({ response_type: undefined })).toEqual({ error: 'invalid_request', state: 'xyz' });
      expect(await redirected({ response_type: 'token' })).toMatchObject({ error: 'unsupported_response_type' });
      expect(await redirected({ response_type: 'code id_token' })).toMatchObject({
        error: 'unsupported_response_type',
      });
    });

    it('refuses a client not registered for the code grant with unauthorized_client', async () => {
      expect(await redirected({ client_id: 'robot' })).toMatchObject({ error: 'unauthorized_client' });
    });

    it('refuses a parameter given twice', async () => {
      expect(await redirected({ scope: ['openid', 'api'] })).toMatchObject({ error: 'invalid_request' });
    });

    it('refuses request objects rather than ignore them (OpenID Connect Core §6)', async () => {
      expect(await redirected({ request: 'eyJ...' })).toMatchObject({ error: 'request_not_supported' });
      expect(await redirected({ request_uri: 'https://x' })).toMatchObject({ error: 'request_uri_not_supported' });
    });

    it('grants the registered scope when none is asked for, and refuses a wider or malformed one (RFC 6749 §3.3)', async () => {
      await expect(validate({ scope: undefined })).resolves.toMatchObject({ scope: ['openid', 'api'] });
      expect(await redirected({ scope: 'openid admin' })).toMatchObject({ error: 'invalid_scope' });
      expect(await redirected({ scope: 'openid  api' })).toMatchObject({ error: 'invalid_scope' });
    });

    it('requires a PKCE challenge (RFC 9700 §2.1.1), S256 only and well formed (RFC 7636 §4.2)', async () => {
      expect(await redirected({ code_challenge: undefined, code_challenge_method: undefined })).toMatchObject({
        error: 'invalid_request',
      });
      expect(await redirected({ code_challenge_method: 'plain' })).toMatchObject({ error: 'invalid_request' });
      expect(await redirected({ code_challenge: 'short' })).toMatchObject({ error: 'invalid_request' });
      expect(await redirected({ code_challenge: undefined })).toMatchObject({ error: 'invalid_request' });
    });

    it('lets only a confidential client registered without PKCE leave the challenge out; never a public one', async () => {
      const noPkce = { code_challenge: undefined, code_challenge_method: undefined };
      await expect(validate({ client_id: 'legacy', ...noPkce })).resolves.toMatchObject({ codeChallenge: undefined });
      expect(await redirected({ client_id: 'spa', ...noPkce })).toMatchObject({ error: 'invalid_request' });
    });

    it('refuses a state or nonce with control characters, and does not echo such a state (RFC 6749 Appendix A.5)', async () => {
      expect(await redirected({ state: 'a\nb' })).toEqual({ error: 'invalid_request', state: undefined });
      expect(await redirected({ nonce: 'a\x00b' })).toMatchObject({ error: 'invalid_request' });
    });

    it('refuses prompt=none with other values and unknown prompt values (OpenID Connect Core §3.1.2.1)', async () => {
      expect(await redirected({ prompt: 'none login' })).toMatchObject({ error: 'invalid_request' });
      expect(await redirected({ prompt: 'sometimes' })).toMatchObject({ error: 'invalid_request' });
      await expect(validate({ prompt: 'login consent' })).resolves.toMatchObject({
        prompt: new Set(['login', 'consent']),
      });
    });

    it('requires max_age to be a whole number of seconds', async () => {
      expect(await redirected({ max_age: '-1' })).toMatchObject({ error: 'invalid_request' });
      await expect(validate({ max_age: '300' })).resolves.toMatchObject({ maxAge: 300 });
    });
  });

  describe('resource indicators (RFC 8707 §2)', () => {
    it('takes a registered API as resource, the same value repeated as one, and OpenID scopes beside its own', async () => {
      await expect(validate({ resource: API, scope: 'openid api' })).resolves.toMatchObject({
        resource: API,
        scope: ['openid', 'api'],
      });
      await expect(validate({ resource: [API, API] })).resolves.toMatchObject({ resource: API });
    });

    it('asks, without scope, for the registered scopes that go with the resource', async () => {
      await expect(validate({ resource: API, scope: undefined })).resolves.toMatchObject({ scope: ['openid', 'api'] });
    });

    it('refuses with invalid_target an unknown, malformed or fragment resource, and two different ones', async () => {
      for (const resource of ['https://unknown.example', 'not a uri', `${API}#f`, '', [API, 'https://other.example']]) {
        expect(await redirected({ resource })).toEqual({ error: 'invalid_target', state: 'xyz' });
      }
    });

    it('refuses with invalid_target a scope of another API than the resource', async () => {
      expect(await redirected({ resource: 'https://other.example', scope: 'openid api' })).toMatchObject({
        error: 'invalid_target',
      });
    });

    it('uses the client’s default resource when the request names none', async () => {
      const defaulted = aClient({ clientId: 'defaulted', redirectUris: [CB], defaultResource: API });
      const withDefault = new AuthorizationRequestValidator(
        fakeClientResolver(defaulted),
        fakeApis(anApi(API, ['api'])),
      );
      await expect(
        withDefault.validate({ ...valid, client_id: 'defaulted', scope: 'openid api' }),
      ).resolves.toMatchObject({ resource: API });
    });
  });
});
