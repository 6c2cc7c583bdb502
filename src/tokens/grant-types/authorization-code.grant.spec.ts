import { createHash } from 'node:crypto';
import {
  aClient,
  aUser,
  configOf,
  fakeApis,
  fakeAudit,
  FakeAuthorizationCodeStore,
  FakeGrantStore,
  fakeRespond,
  fakeTransactions,
} from '../../../test/helpers/fakes';
import { AuthCodesService } from '../../auth-codes/auth-codes.service';
import { AuthorizationCodeStore } from '../../auth-codes/authorization-code.store';
import { AuthorizationRequest } from '../../auth-codes/authorization-request';
import { ClientEntity } from '../../clients/entities/client.entity';
import { tokenDigest } from '../../common/crypto/tokens';
import { InvalidGrantError } from '../../common/oauth/oauth.error';
import { GrantStore } from '../../grants/grant.store';
import { UserEntity } from '../../users/entities/user.entity';
import { UsersService } from '../../users/users.service';
import { TokenResponseFactory } from '../token-response.factory';
import { AuthorizationCodeGrant } from './authorization-code.grant';

const VERIFIER = 'a'.repeat(43);
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');
const REDIRECT_URI = 'https://partner.example/cb';

describe('AuthorizationCodeGrant', () => {
  let store: FakeAuthorizationCodeStore;
  let codes: AuthCodesService;
  let grants: FakeGrantStore;
  let user: UserEntity | null;
  let audit: ReturnType<typeof fakeAudit>;
  let storeRefreshToken: jest.Mock;
  let respond: jest.Mock;
  let sut: AuthorizationCodeGrant;
  const client = aClient();

  beforeEach(() => {
    store = new FakeAuthorizationCodeStore();
    audit = fakeAudit();
    codes = new AuthCodesService(configOf({ AUTH_CODE_TTL: 600 }), store as unknown as AuthorizationCodeStore, audit);
    grants = new FakeGrantStore();
    user = aUser();
    storeRefreshToken = jest.fn(() => Promise.resolve());
    respond = fakeRespond();
    sut = new AuthorizationCodeGrant(
      codes,
      grants as unknown as GrantStore,
      { findActive: () => Promise.resolve(user) } as unknown as UsersService,
      { firstRefreshToken: () => 'rt', storeRefreshToken, respond } as unknown as TokenResponseFactory,
      fakeTransactions(),
      audit,
      fakeApis(),
    );
  });

  /** A code as consent makes it: for `of`, with PKCE S256 and the redirect URI named, unless `request` says otherwise. */
  const issue = (request: Partial<AuthorizationRequest> = {}, of: ClientEntity = client) =>
    codes.issue(
      {
        client: of,
        redirectUri: REDIRECT_URI,
        redirectUriSent: true,
        scope: ['openid', 'api'],
        codeChallenge: CHALLENGE,
        prompt: new Set(),
        ...request,
      },
      { id: 'user-1', authTime: Math.floor(Date.now() / 1000) } as never,
      '10.0.0.1',
    );
  const redeem = (code: string, params: { redirect_uri?: string; code_verifier?: string } = {}, as = client) =>
    sut.handle({ code, redirect_uri: REDIRECT_URI, code_verifier: VERIFIER, ...params }, as, '10.0.0.1');
  const onlyGrant = () => [...grants.grants.values()][0];

  it('redeems a code once: a grant with the code’s scope, its refresh token stored with it, the code consumed (RFC 6749 §4.1.3)', async () => {
    const code = await issue();
    await expect(redeem(code)).resolves.toMatchObject({ scope: 'openid api', refresh_token: 'rt' });
    expect(onlyGrant()).toMatchObject({ clientId: 'partner', userId: 'user-1', scope: 'openid api', revokedAt: null });
    expect(storeRefreshToken).toHaveBeenCalledWith(expect.anything(), onlyGrant(), 'rt');
    expect(store.codes.get(tokenDigest(code))).toMatchObject({ consumedAt: expect.any(Date), grantId: onlyGrant().id });
  });

  it('refuses an unknown code with invalid_grant (RFC 6749 §5.2)', async () => {
    await expect(redeem('nope')).rejects.toThrow(InvalidGrantError);
  });

  it('refuses a code issued to another client (RFC 6749 §4.1.3)', async () => {
    const code = await issue({}, aClient({ clientId: 'other' }));
    await expect(redeem(code)).rejects.toThrow(InvalidGrantError);
    expect(store.codes.get(tokenDigest(code))!.consumedAt).toBeNull();
  });

  it('refuses a code used twice and revokes the grant it produced (RFC 6749 §4.1.2)', async () => {
    const code = await issue();
    await redeem(code);
    await expect(redeem(code)).rejects.toThrow(InvalidGrantError);
    expect(grants.isRevoked(onlyGrant().id)).toBe(true);
    expect(audit.recorded.at(-1)).toMatchObject({ type: 'code.reuse_detected' });
  });

  it('lets one of two concurrent redemptions win; the other revokes the grant the winner made (RFC 6749 §4.1.2)', async () => {
    const code = await issue();
    const results = await Promise.allSettled([redeem(code), redeem(code)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(grants.grants.size).toBe(1);
    expect(grants.isRevoked(onlyGrant().id)).toBe(true);
  });

  it('answers the grant an earlier attempt stored when that attempt’s answer was lost with its connection', async () => {
    sut = new AuthorizationCodeGrant(
      codes,
      grants as unknown as GrantStore,
      { findActive: () => Promise.resolve(user) } as unknown as UsersService,
      { firstRefreshToken: () => 'rt', storeRefreshToken, respond } as unknown as TokenResponseFactory,
      fakeTransactions({ answersLost: true }),
      audit,
      fakeApis(),
    );
    const code = await issue();
    await expect(redeem(code)).resolves.toMatchObject({ scope: 'openid api', refresh_token: 'rt' });
    expect(grants.grants.size).toBe(1);
    expect(grants.isRevoked(onlyGrant().id)).toBe(false);
    expect(audit.recorded.map((event) => event.type)).toEqual(['code.issued', 'token.issued']);
  });

  it('refuses an expired code (RFC 6749 §4.1.2)', async () => {
    const code = await issue();
    store.codes.get(tokenDigest(code))!.expiresAt = new Date(Date.now() - 1);
    await expect(redeem(code)).rejects.toThrow(InvalidGrantError);
  });

  it('requires the redirect_uri, identical, when the authorization request named it (RFC 6749 §4.1.3)', async () => {
    const code = await issue();
    await expect(redeem(code, { redirect_uri: undefined })).rejects.toThrow(InvalidGrantError);
    await expect(redeem(code, { redirect_uri: `${REDIRECT_URI}/` })).rejects.toThrow(InvalidGrantError);
    await expect(redeem(code)).resolves.toBeDefined();
  });

  it('takes a code without redirect_uri when the request named none, but not a different one (RFC 6749 §4.1.3)', async () => {
    const code = await issue({ redirectUriSent: false });
    await expect(redeem(code, { redirect_uri: 'https://partner.example/elsewhere' })).rejects.toThrow(
      InvalidGrantError,
    );
    await expect(redeem(code, { redirect_uri: undefined })).resolves.toBeDefined();
  });

  it('requires a code_verifier that matches the S256 challenge (RFC 7636 §4.6)', async () => {
    const code = await issue();
    await expect(redeem(code, { code_verifier: undefined })).rejects.toThrow(InvalidGrantError);
    await expect(redeem(code, { code_verifier: 'short' })).rejects.toThrow(InvalidGrantError);
    await expect(redeem(code, { code_verifier: 'b'.repeat(43) })).rejects.toThrow(InvalidGrantError);
    await expect(redeem(code)).resolves.toBeDefined();
  });

  it('refuses a code_verifier for a code issued without a challenge (RFC 9700 §4.8.2)', async () => {
    const legacy = aClient({ requirePkce: false });
    const code = await issue({ codeChallenge: undefined }, legacy);
    await expect(redeem(code, {}, legacy)).rejects.toThrow(InvalidGrantError);
    await expect(redeem(code, { code_verifier: undefined }, legacy)).resolves.toBeDefined();
  });

  it('refuses to a public client a code issued without a challenge (RFC 9700 §2.1.1)', async () => {
    const code = await issue({ codeChallenge: undefined });
    const madePublic = aClient({ tokenEndpointAuthMethod: 'none' });
    await expect(redeem(code, { code_verifier: undefined }, madePublic)).rejects.toThrow(InvalidGrantError);
  });

  it('gives no grant for a user disabled or gone since consenting', async () => {
    const code = await issue();
    user = null;
    await expect(redeem(code)).rejects.toThrow(InvalidGrantError);
    expect(grants.grants.size).toBe(0);
  });
});
