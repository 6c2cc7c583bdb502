import { decodeJwt, JWTPayload, SignJWT } from 'jose';
import { ClientWithSecret } from '../src/clients/clients.service';
import { SigningAlgorithm } from '../src/keys/entities/signing-key.entity';
import { KeysService } from '../src/keys/keys.service';
import { createTestApp, TestApp } from './helpers/create-test-app';
import * as oauth from './helpers/partner';

const TTL = 3600;
const TOLERANCE = 30;
const YEAR = 365 * 24 * 3600;
const LOGGED_OUT = 'https://rp.example/logged-out';

// Tokens signed here with the provider's own active keys: what a holder of a leaked key could make,
// or what a flaw elsewhere could get signed. The signature is genuine; the claims decide.
describe('claims of the tokens the provider verifies', () => {
  let t: TestApp;
  let admin: ClientWithSecret;
  let issued: JWTPayload;

  beforeAll(async () => {
    t = await createTestApp({ ACCESS_TOKEN_TTL: String(TTL), CLOCK_TOLERANCE: String(TOLERANCE) });
    admin = await t.createClient({ redirect_uris: [], grant_types: ['client_credentials'], scope: 'admin' });
    const res = await oauth.token(t.http(), admin, { grant_type: 'client_credentials' }).expect(200);
    issued = decodeJwt(res.body.access_token);
  });
  afterAll(() => t?.close());

  const now = () => Math.floor(Date.now() / 1000);

  /** A JWT signed with the provider's active key of `alg`. */
  function sign(claims: JWTPayload, alg: SigningAlgorithm, typ: string): Promise<string> {
    const { kid, privateKey } = t.app.get(KeysService).activeKey(alg);
    return new SignJWT(claims).setProtectedHeader({ alg, typ, kid }).sign(privateKey);
  }

  /** An access token like the one the admin client was issued, with `changes` (undefined removes a claim). */
  function accessToken(changes: Record<string, unknown>): Promise<string> {
    const iat = now();
    const claims = Object.fromEntries(
      Object.entries({ ...issued, iat, exp: iat + TTL, jti: `forged-${Math.random()}`, ...changes }).filter(
        ([, value]) => value !== undefined,
      ),
    );
    return sign(claims, 'ES256', 'at+jwt');
  }

  const adminApi = (token: string) => t.http().get('/admin/clients').set('Authorization', `Bearer ${token}`);

  async function expectRefused(token: string): Promise<void> {
    const res = await adminApi(token);
    expect({ status: res.status, error: res.body.error }).toEqual({ status: 401, error: 'invalid_token' });
    expect(res.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_token"/);
  }

  it('accepts a token signed with the active key whose claims are those it issues (so the refusals below are the claims’ doing)', async () => {
    await adminApi(await accessToken({})).expect(200);
  });

  it('accepts a lifetime over ACCESS_TOKEN_TTL by no more than CLOCK_TOLERANCE, and iat that far in the future', async () => {
    await adminApi(await accessToken({ exp: now() + TTL + TOLERANCE })).expect(200);
    const iat = now() + TOLERANCE - 2;
    await adminApi(await accessToken({ iat, exp: iat + TTL })).expect(200);
  });

  it('refuses an access token without exp', async () => {
    await expectRefused(await accessToken({ exp: undefined }));
  });

  it('refuses an access token without iat', async () => {
    await expectRefused(await accessToken({ iat: undefined }));
  });

  it('refuses an access token that lives longer than ACCESS_TOKEN_TTL plus CLOCK_TOLERANCE', async () => {
    await expectRefused(await accessToken({ exp: now() + 10 * YEAR }));
    await expectRefused(await accessToken({ exp: now() + TTL + TOLERANCE + 5 }));
  });

  it('refuses an access token issued further in the future than CLOCK_TOLERANCE', async () => {
    const iat = now() + TOLERANCE + 60;
    await expectRefused(await accessToken({ iat, exp: iat + TTL }));
  });

  it.each<[string, (issued: JWTPayload) => Record<string, unknown>]>([
    ['scope as an array', () => ({ scope: ['admin'] })],
    ['scope not in the form of RFC 6749 §3.3', () => ({ scope: 'admin  "x"' })],
    ['sub as a number', () => ({ sub: 42 })],
    ['client_id as an object', () => ({ client_id: { $ne: null } })],
    ['jti as an array', () => ({ jti: ['a', 'b'] })],
    ['jti missing', () => ({ jti: undefined })],
    ['gid as a number', () => ({ gid: 7 })],
    ['iat as a string', () => ({ iat: String(now()) })],
    ['aud as an array holding the issuer', ({ aud }) => ({ aud: [aud] })],
  ])('answers a validly signed token with %s with 401 invalid_token, never a 500', async (_, changes) => {
    await expectRefused(await accessToken(changes(issued)));
  });

  it('introspects a validly signed token with malformed claims as inactive', async () => {
    const res = await oauth.introspect(t.http(), admin, await accessToken({ scope: ['admin'] })).expect(200);
    expect(res.body).toEqual({ active: false });
  });

  describe('an ID token as id_token_hint at sign-out', () => {
    let rp: ClientWithSecret;

    beforeAll(async () => {
      rp = await t.createClient({ post_logout_redirect_uris: [LOGGED_OUT], scope: 'openid' });
    });

    function idToken(changes: Record<string, unknown>): Promise<string> {
      const iat = now();
      const claims = { iss: issued.iss, sub: 'someone', aud: rp.client_id, iat, exp: iat + TTL, ...changes };
      return sign(
        Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined)),
        'RS256',
        'JWT',
      );
    }

    const logout = async (hint: string) =>
      t.http().get(`/logout?${new URLSearchParams({ id_token_hint: hint, post_logout_redirect_uri: LOGGED_OUT })}`);

    it('is taken when it lives as long as the ID tokens issued here, also once expired', async () => {
      expect((await logout(await idToken({}))).status).toBe(200);
      expect((await logout(await idToken({ iat: now() - 2 * TTL, exp: now() - TTL }))).status).toBe(200);
    });

    it('is refused when it lives longer than ACCESS_TOKEN_TTL plus CLOCK_TOLERANCE', async () => {
      const res = await logout(await idToken({ exp: now() + 10 * YEAR }));
      expect(res.status).toBe(400);
      expect(res.text).toContain('did not issue');
    });

    it('is refused without exp', async () => {
      expect((await logout(await idToken({ exp: undefined }))).status).toBe(400);
    });
  });
});
