import { EntityManager } from 'typeorm';
import {
  aClient,
  aUser,
  configOf,
  fakeApis,
  fakeAudit,
  FakeGrantStore,
  fakeRespond,
  FakeRefreshTokenStore,
  inMemoryMetrics,
} from '../../../test/helpers/fakes';
import { tokenDigest } from '../../common/crypto/tokens';
import { InvalidGrantError, InvalidScopeError } from '../../common/oauth/oauth.error';
import { GrantEntity } from '../../grants/grant.entity';
import { GrantStore } from '../../grants/grant.store';
import { UserEntity } from '../../users/entities/user.entity';
import { ProviderMetrics } from '../../metrics/provider-metrics';
import { UsersService } from '../../users/users.service';
import { RefreshTokenStore } from '../refresh-token.store';
import { RefreshTokensService } from '../refresh-tokens.service';
import { TokenResponseFactory } from '../token-response.factory';
import { RefreshTokenGrant } from './refresh-token.grant';

const HOUR = 60 * 60 * 1000;

describe('RefreshTokenGrant', () => {
  let store: FakeRefreshTokenStore;
  let grants: FakeGrantStore;
  let refreshTokens: RefreshTokensService;
  let user: UserEntity | null;
  let audit: ReturnType<typeof fakeAudit>;
  let respond: jest.Mock;
  let sut: RefreshTokenGrant;
  let metrics: ProviderMetrics;
  let grant: GrantEntity;
  const client = aClient({ scope: 'openid profile api' });
  const manager = {} as EntityManager;

  beforeEach(async () => {
    store = new FakeRefreshTokenStore();
    grants = new FakeGrantStore();
    refreshTokens = new RefreshTokensService(
      configOf({ REFRESH_TOKEN_TTL: 24 * 3600, REFRESH_TOKEN_ABSOLUTE_TTL: 30 * 24 * 3600 }),
      store as unknown as RefreshTokenStore,
    );
    user = aUser();
    audit = fakeAudit();
    respond = fakeRespond();
    metrics = inMemoryMetrics();
    sut = new RefreshTokenGrant(
      refreshTokens,
      grants as unknown as GrantStore,
      { findActive: () => Promise.resolve(user) } as unknown as UsersService,
      { respond } as unknown as TokenResponseFactory,
      audit,
      fakeApis(),
      metrics,
    );
    grant = grants.add({ id: 'grant-1', scope: 'openid profile api' });
  });

  /** provider_refresh_token_reuse_total as a scrape would read it. */
  const reuses = async () =>
    (await metrics.registry.getSingleMetric('provider_refresh_token_reuse_total')!.get()).values[0]?.value ?? 0;

  /** The first refresh token of `of`, as the code grant issues it. */
  const firstToken = async (of = grant) => {
    const token = refreshTokens.newToken();
    await refreshTokens.issue(manager, of, token);
    return token;
  };

  it('rotates: answers a new refresh token and a new access token with the grant’s scope (RFC 9700 §4.14.2)', async () => {
    const token = await firstToken();
    const response = await sut.handle({ refresh_token: token }, client, '10.0.0.1');
    expect(response).toMatchObject({ scope: 'openid profile api', refresh_token: expect.any(String) });
    expect(response.refresh_token).not.toBe(token);
    expect((await store.find(tokenDigest(token)))!.isRotated).toBe(true);
    await expect(sut.handle({ refresh_token: response.refresh_token! }, client, '10.0.0.1')).resolves.toBeDefined();
    expect(audit.recorded.map((e) => e.type)).toEqual(['token.refreshed', 'token.refreshed']);
  });

  it('refuses an unknown refresh token with invalid_grant (RFC 6749 §6)', async () => {
    await expect(sut.handle({ refresh_token: 'nope' }, client, '10.0.0.1')).rejects.toThrow(InvalidGrantError);
  });

  it('refuses another client’s refresh token with invalid_grant and leaves its grant alone (RFC 6749 §6)', async () => {
    const token = await firstToken();
    await expect(sut.handle({ refresh_token: token }, aClient({ clientId: 'other' }), '10.0.0.1')).rejects.toThrow(
      InvalidGrantError,
    );
    expect(grants.isRevoked('grant-1')).toBe(false);
  });

  it('revokes the whole grant when a rotated token is presented again (RFC 9700 §4.14.2)', async () => {
    const token = await firstToken();
    const { refresh_token: successor } = await sut.handle({ refresh_token: token }, client, '10.0.0.1');
    await expect(sut.handle({ refresh_token: token }, client, '10.0.0.1')).rejects.toThrow(InvalidGrantError);
    expect(grants.isRevoked('grant-1')).toBe(true);
    expect(audit.recorded.at(-1)).toMatchObject({ type: 'refresh_token.reuse_detected' });
    expect(await reuses()).toBe(1);
    await expect(sut.handle({ refresh_token: successor! }, client, '10.0.0.1')).rejects.toThrow(InvalidGrantError);
  });

  it('lets exactly one of two concurrent refreshes of one token win; the loser revokes the grant', async () => {
    const token = await firstToken();
    const results = await Promise.allSettled([
      sut.handle({ refresh_token: token }, client, '10.0.0.1'),
      sut.handle({ refresh_token: token }, client, '10.0.0.1'),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(grants.isRevoked('grant-1')).toBe(true);
    expect(await reuses()).toBe(1);
  });

  it('refuses an expired refresh token with invalid_grant', async () => {
    const token = await firstToken();
    store.tokens.get(tokenDigest(token))!.expiresAt = new Date(Date.now() - 1000);
    await expect(sut.handle({ refresh_token: token }, client, '10.0.0.1')).rejects.toThrow(InvalidGrantError);
  });

  it('refuses a token of a revoked grant with invalid_grant', async () => {
    const token = await firstToken();
    await grants.revoke('grant-1');
    await expect(sut.handle({ refresh_token: token }, client, '10.0.0.1')).rejects.toThrow(InvalidGrantError);
  });

  it('refuses a token of a grant past its absolute lifetime, however recently rotated (RFC 9700 §4.14.2)', async () => {
    const old = grants.add({ id: 'grant-old', scope: 'openid' }, 30 * 24 * HOUR - 1000);
    const token = await firstToken(old);
    // Rotation never extends the grant: the token lasts only as long as the grant has left.
    expect(store.tokens.get(tokenDigest(token))!.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    store.tokens.get(tokenDigest(token))!.expiresAt = new Date(Date.now() + HOUR);
    old.createdAt = new Date(Date.now() - 30 * 24 * HOUR);
    await expect(sut.handle({ refresh_token: token }, client, '10.0.0.1')).rejects.toThrow(InvalidGrantError);
  });

  it('refuses a grant made before the client was made public (RFC 9700 §2.1.1)', async () => {
    const token = await firstToken();
    const madePublic = aClient({ tokenEndpointAuthMethod: 'none', credentialsChangedAt: new Date(Date.now() + 1000) });
    await expect(sut.handle({ refresh_token: token }, madePublic, '10.0.0.1')).rejects.toThrow(InvalidGrantError);
  });

  it('refuses a refresh once the user is gone or disabled', async () => {
    const token = await firstToken();
    user = null;
    await expect(sut.handle({ refresh_token: token }, client, '10.0.0.1')).rejects.toThrow(InvalidGrantError);
  });

  it('narrows the access token to a requested subset, and keeps the refresh token’s scope whole (RFC 6749 §6)', async () => {
    const token = await firstToken();
    const response = await sut.handle({ refresh_token: token, scope: 'api' }, client, '10.0.0.1');
    expect(response.scope).toBe('api');
    expect(store.tokens.get(tokenDigest(response.refresh_token!))!.scope).toBe('openid profile api');
  });

  it('refuses a scope wider than the grant with invalid_scope (RFC 6749 §6)', async () => {
    const token = await firstToken();
    await expect(sut.handle({ refresh_token: token, scope: 'api admin' }, client, '10.0.0.1')).rejects.toThrow(
      InvalidScopeError,
    );
  });

  it('drops for good what the client’s registration has lost since, and refuses to ask for it back', async () => {
    const token = await firstToken();
    const narrowed = aClient({ scope: 'openid api' });
    const response = await sut.handle({ refresh_token: token }, narrowed, '10.0.0.1');
    expect(response.scope).toBe('openid api');
    expect(store.tokens.get(tokenDigest(response.refresh_token!))!.scope).toBe('openid api');
    await expect(sut.handle({ refresh_token: response.refresh_token!, scope: 'profile' }, client, '1')).rejects.toThrow(
      InvalidScopeError,
    );
  });

  it('refuses with invalid_grant when nothing of the grant’s scope is still allowed', async () => {
    const token = await firstToken();
    await expect(sut.handle({ refresh_token: token }, aClient({ scope: 'email' }), '10.0.0.1')).rejects.toThrow(
      InvalidGrantError,
    );
  });

  it('drops the admin scope once the user is no administrator', async () => {
    const adminGrant = grants.add({ id: 'grant-admin', scope: 'openid admin' });
    const token = await firstToken(adminGrant);
    const adminClient = aClient({ scope: 'openid admin' });
    const response = await sut.handle({ refresh_token: token }, adminClient, '10.0.0.1');
    expect(response.scope).toBe('openid');
  });
});
