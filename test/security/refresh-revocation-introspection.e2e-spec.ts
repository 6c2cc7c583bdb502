import { decodeJwt } from 'jose';
import { failNextWrite } from '../helpers/fail-next-write';
import * as oauth from '../helpers/partner';
import { REDIRECT, codeFlow, Tokens, forgedJwt, useSecurityWorld } from './world';

/* Items of the checklist in docs/security.md, fired at the running provider. */

describe('Refresh, revocation, introspection (docs/security.md, Checklist)', () => {
  const w = useSecurityWorld();

  describe('14. a rotated refresh token presented again: invalid_grant, and every token of the grant is revoked', () => {
    it('revokes both generations of access tokens and the newest refresh token', async () => {
      const first = await w.tokensFor();
      const second = (await w.refresh(first.refresh_token).expect(200)).body as Tokens;
      const third = (await w.refresh(second.refresh_token).expect(200)).body as Tokens;
      expect(await w.isActive(third.access_token)).toBe(true);
      oauth.expectOAuthError(await w.refresh(first.refresh_token), 400, 'invalid_grant');
      for (const token of [first, second, third]) expect(await w.isActive(token.access_token)).toBe(false);
      oauth.expectOAuthError(await w.refresh(third.refresh_token), 400, 'invalid_grant');
      await w.t.http().get('/oauth/userinfo').set('Authorization', `Bearer ${third.access_token}`).expect(401);
    });
  });

  describe('15. another client’s refresh token: invalid_grant; a wider scope: invalid_scope', () => {
    it('refuses another client’s refresh token without spending it', async () => {
      const tokens = await w.tokensFor();
      oauth.expectOAuthError(await w.refresh(tokens.refresh_token, w.other), 400, 'invalid_grant');
      expect(await w.refreshTokenActive(tokens.refresh_token)).toBe(true);
      await w.refresh(tokens.refresh_token).expect(200);
    });

    it.each([['openid profile email offline_access'], ['openid admin'], ['api'], ['openid  profile'], ['']])(
      'refuses scope %p beyond or outside the grant with invalid_scope',
      async (scope) => {
        const tokens = await w.tokensFor();
        oauth.expectOAuthError(await w.refresh(tokens.refresh_token, w.partner, { scope }), 400, 'invalid_scope');
        expect(await w.refreshTokenActive(tokens.refresh_token)).toBe(true);
      },
    );
  });

  describe('16. a client revoking another client’s token changes nothing; unknown tokens: 200', () => {
    it('leaves the other client’s access and refresh tokens alive, whatever the hint', async () => {
      const tokens = await w.tokensFor();
      for (const hint of [undefined, 'access_token', 'refresh_token']) {
        for (const token of [tokens.access_token, tokens.refresh_token, tokens.id_token]) {
          const res = await oauth
            .revoke(w.t.http(), w.other, hint ? { token, token_type_hint: hint } : { token })
            .expect(200);
          expect(res.text).toBe('');
        }
      }
      expect(await w.isActive(tokens.access_token)).toBe(true);
      expect(await w.refreshTokenActive(tokens.refresh_token)).toBe(true);
    });

    it.each([
      ['no-such-token'],
      [''],
      ['a.b.c'],
      ['"><script>'],
      [forgedJwt({ alg: 'none', typ: 'at+jwt', kid: 'x' }, { jti: 'x' })],
    ])('answers 200 for the unknown token %p', async (token) => {
      const res = await oauth.revoke(w.t.http(), w.partner, { token }).expect(200);
      expect(res.text).toBe('');
    });
  });

  describe('17. introspection: 401 without client authentication; dead or garbage tokens are {"active": false} and nothing more', () => {
    it('requires a confidential client’s authentication', async () => {
      const tokens = await w.tokensFor();
      oauth.expectOAuthError(
        await oauth.introspectionRequest(w.t.http()).type('form').send({ token: tokens.access_token }),
        401,
        'invalid_client',
      );
      oauth.expectOAuthError(
        await oauth
          .introspectionRequest(w.t.http())
          .type('form')
          .send({ token: tokens.access_token, client_id: w.publicClient.client_id }),
        401,
        'invalid_client',
      );
      oauth.expectOAuthError(
        await oauth.introspect(
          w.t.http(),
          { ...w.resourceServer, client_secret: 'wrong' },
          { token: tokens.access_token },
        ),
        401,
        'invalid_client',
      );
    });

    it('answers dead tokens of every kind with exactly {"active": false}', async () => {
      const revoked = await w.tokensFor();
      await oauth.revoke(w.t.http(), w.partner, { token: revoked.access_token }).expect(200);
      const rotated = await w.tokensFor();
      await w.refresh(rotated.refresh_token).expect(200);
      const orphan = await w.t.createClient({ redirect_uris: [REDIRECT], ...codeFlow });
      const ofDeleted = await w.tokensFor(orphan);
      await w.admin('delete', `/admin/clients/${orphan.client_id}`).expect(204);
      const live = await w.tokensFor();
      const [header, payload] = live.access_token.split('.');
      const dead = [
        revoked.access_token,
        rotated.refresh_token,
        ofDeleted.access_token,
        ofDeleted.refresh_token,
        live.id_token,
        `${header}.${payload}.`,
        `${forgedJwt({ alg: 'none', typ: 'at+jwt' }, decodeJwt(live.access_token))}`,
        'garbage',
        '',
        'a.b.c',
      ];
      for (const token of dead) {
        for (const as of [w.resourceServer, w.partner]) {
          const res = await oauth.introspect(w.t.http(), as, { token }).expect(200);
          expect(res.headers['cache-control']).toBe('no-store');
          expect(res.body).toEqual({ active: false });
        }
      }
    });
  });

  describe('18. a database failure during revocation is an error, never a 200', () => {
    afterEach(() => jest.restoreAllMocks());

    it('of an access token', async () => {
      const tokens = await w.tokensFor();
      failNextWrite(w.db, 'revoked_access_tokens');
      const res = await oauth.revoke(w.t.http(), w.partner, { token: tokens.access_token });
      expect(res.status).toBeGreaterThanOrEqual(500);
      expect(res.body).toEqual({ error: expect.any(String), error_description: expect.any(String) });
      expect(res.text).not.toContain('connection lost');
      // The client, told it failed, tries again and succeeds.
      await oauth.revoke(w.t.http(), w.partner, { token: tokens.access_token }).expect(200);
      expect(await w.isActive(tokens.access_token)).toBe(false);
    });

    it('of a refresh token', async () => {
      const tokens = await w.tokensFor();
      failNextWrite(w.db, 'grants');
      const res = await oauth.revoke(w.t.http(), w.partner, { token: tokens.refresh_token });
      expect(res.status).toBeGreaterThanOrEqual(500);
      expect(res.body).toEqual({ error: expect.any(String), error_description: expect.any(String) });
      await oauth.revoke(w.t.http(), w.partner, { token: tokens.refresh_token }).expect(200);
      expect(await w.refreshTokenActive(tokens.refresh_token)).toBe(false);
    });
  });
});
