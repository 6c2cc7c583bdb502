import { AccessTokenClaims } from './access-token.claims';
import { ClientNow, Standing, standingProblem as sut } from './access-token-standing';

const ISSUED = 1_800_000_000;

function claims(overrides: Partial<AccessTokenClaims> = {}): AccessTokenClaims {
  return {
    iss: 'https://op.example',
    sub: 'user-1',
    aud: 'https://op.example',
    client_id: 'client-1',
    scope: 'openid profile',
    jti: 'jti-1',
    iat: ISSUED,
    exp: ISSUED + 3600,
    gid: 'grant-1',
    ...overrides,
  };
}

function standing(client: Partial<ClientNow> | null = {}, rest: Partial<Omit<Standing, 'client'>> = {}): Standing {
  return {
    client: client && {
      scope: ['openid', 'profile', 'email'],
      grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
      credentialsChangedAt: null,
      ...client,
    },
    grantActive: true,
    revoked: false,
    ...rest,
  };
}

describe('standingProblem', () => {
  it('lets a token stand while its client, grant and the token itself do', () => {
    expect(sut(claims(), standing())).toBeUndefined();
    expect(sut(claims({ gid: undefined, scope: '' }), standing())).toBeUndefined();
  });

  it('refuses a token whose client is gone, whose grant or which itself is revoked', () => {
    expect(sut(claims(), standing(null))).toBe('client deleted');
    expect(sut(claims(), standing({}, { grantActive: false }))).toBe('grant revoked');
    expect(sut(claims(), standing({}, { revoked: true }))).toBe('token revoked');
  });

  it('refuses the whole token when any of its scopes was taken from the client', () => {
    expect(sut(claims({ scope: 'openid profile' }), standing({ scope: ['openid'] }))).toMatch(/scope/);
  });

  it('judges a token with gid by authorization_code, one without by client_credentials', () => {
    expect(sut(claims(), standing({ grantTypes: ['client_credentials'] }))).toMatch(/authorization_code/);
    expect(sut(claims({ gid: undefined }), standing({ grantTypes: ['authorization_code'] }))).toMatch(
      /client_credentials/,
    );
    expect(sut(claims(), standing({ grantTypes: ['authorization_code'] }))).toBeUndefined();
  });

  it('refuses tokens of a second before the credentials changed, and keeps those of that second', () => {
    const changedAt = (ISSUED + 1) * 1000 + 999;
    expect(sut(claims(), standing({ credentialsChangedAt: changedAt }))).toMatch(/credentials/);
    expect(sut(claims({ iat: ISSUED + 1 }), standing({ credentialsChangedAt: changedAt }))).toBeUndefined();
  });
});
