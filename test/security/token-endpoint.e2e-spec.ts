import type { Response } from 'supertest';
import { AuthorizationCodeEntity } from '../../src/auth-codes/entities/authorization-code.entity';
import { tokenDigest } from '../../src/common/crypto/tokens';
import { pkcePair } from '../helpers/oauth-client';
import * as oauth from '../helpers/partner';
import { REDIRECT, codeFlow, Tokens, expectNotFound, useSecurityWorld } from './world';

/* Items of the checklist in docs/security.md, fired at the running provider. */

describe('The token endpoint (docs/security.md, Checklist)', () => {
  const w = useSecurityWorld();

  describe('7. a code redeemed twice: invalid_grant, and the tokens of the first redemption are revoked', () => {
    it.each([
      ['a confidential client', () => w.partner],
      ['a public client', () => w.publicClient],
    ])('%s', async (_, client) => {
      const { code, verifier } = await w.codeFor(client());
      const first = (await w.exchange(code, verifier, client()).expect(200)).body as Tokens;
      expect(await w.isActive(first.access_token)).toBe(true);
      oauth.expectOAuthError(await w.exchange(code, verifier, client()), 400, 'invalid_grant');
      expect(await w.isActive(first.access_token)).toBe(false);
      const again =
        client() === w.publicClient
          ? oauth.tokenRequest(w.t.http()).type('form').send({
              grant_type: 'refresh_token',
              refresh_token: first.refresh_token,
              client_id: w.publicClient.client_id,
            })
          : w.refresh(first.refresh_token, client());
      oauth.expectOAuthError(await again, 400, 'invalid_grant');
      await w.t.http().get('/oauth/userinfo').set('Authorization', `Bearer ${first.access_token}`).expect(401);
    });
  });

  describe('8. PKCE downgrade in either direction: invalid_grant, for confidential clients too', () => {
    it.each<[string, (verifier: string) => string | undefined]>([
      ['the verifier missing', () => undefined],
      ['a wrong verifier', () => pkcePair().verifier],
      ['a malformed verifier', () => 'short'],
      ['an empty verifier', () => ''],
      ['the verifier in capitals', (v) => v.toUpperCase()],
    ])('a code made with a challenge, %s', async (_, verifierFor) => {
      for (const client of [w.partner, w.publicClient]) {
        const { code, verifier } = await w.codeFor(client);
        oauth.expectOAuthError(await w.exchange(code, verifierFor(verifier), client), 400, 'invalid_grant');
      }
    });

    it('a code made with a challenge, the challenge itself as verifier (plain)', async () => {
      const pkce = pkcePair();
      const { code } = await w.codeFor(w.partner, { code_challenge: pkce.challenge });
      oauth.expectOAuthError(await w.exchange(code, pkce.challenge, w.partner), 400, 'invalid_grant');
    });

    it('a code made without a challenge (a client registered without PKCE), with a verifier', async () => {
      const legacy = await w.t.createClient({
        name: 'Legacy',
        redirect_uris: [REDIRECT],
        ...codeFlow,
        require_pkce: false,
      });
      const { code } = await w.codeFor(legacy, { code_challenge: undefined, code_challenge_method: undefined });
      oauth.expectOAuthError(await w.exchange(code, pkcePair().verifier, legacy), 400, 'invalid_grant');
    });
  });

  describe('9. another client’s code, or a redirect_uri missing or different: invalid_grant', () => {
    it('another client’s code, with its own valid verifier', async () => {
      const { code, verifier } = await w.codeFor(w.partner);
      oauth.expectOAuthError(await w.exchange(code, verifier, w.other), 400, 'invalid_grant');
    });

    it.each<[string, string | undefined]>([
      ['missing', undefined],
      ['another registered URI', 'https://partner.example/other'],
      ['in another case', 'https://Partner.example/callback'],
      ['with a trailing slash', `${REDIRECT}/`],
      ['with a query', `${REDIRECT}?a=1`],
    ])('a redirect_uri %s', async (_, redirectUri) => {
      const { code, verifier } = await w.codeFor(w.partner);
      const body: Record<string, string> = { grant_type: 'authorization_code', code, code_verifier: verifier };
      if (redirectUri !== undefined) body.redirect_uri = redirectUri;
      oauth.expectOAuthError(await oauth.token(w.t.http(), w.partner, body), 400, 'invalid_grant');
    });

    it('a redirect_uri sent at the token endpoint when the authorization request used the only registered one implicitly and it differs', async () => {
      const single = await w.t.createClient({ redirect_uris: ['https://single.example/cb'], ...codeFlow });
      const { code, verifier } = await w.codeFor(single, { redirect_uri: undefined });
      oauth.expectOAuthError(
        await w.exchange(code, verifier, single, { redirect_uri: 'https://single.example/other' }),
        400,
        'invalid_grant',
      );
    });
  });

  describe('10. an expired code: invalid_grant', () => {
    it('refuses a code past its expiry', async () => {
      const { code, verifier } = await w.codeFor(w.partner);
      await w.db
        .getRepository(AuthorizationCodeEntity)
        .update({ codeHash: tokenDigest(code) }, { expiresAt: new Date(Date.now() - 1000) });
      oauth.expectOAuthError(await w.exchange(code, verifier), 400, 'invalid_grant');
    });
  });

  describe('11. client authentication: wrong, empty or another client’s secret; two methods; the query string', () => {
    const endpoints: [string, () => Record<string, string>][] = [
      [oauth.TOKEN_ENDPOINT, () => ({ grant_type: 'client_credentials' })],
      [oauth.REVOCATION_ENDPOINT, () => ({ token: 'x' })],
      [oauth.INTROSPECTION_ENDPOINT, () => ({ token: 'x' })],
    ];

    it.each(endpoints)('%s: 401 invalid_client with a Basic challenge for a bad Basic secret', async (path, body) => {
      for (const [id, secret] of [
        [w.partner.client_id, 'wrong'],
        [w.partner.client_id, ''],
        [w.partner.client_id, w.other.client_secret!],
        [w.partner.client_id, `${w.partner.client_secret} `],
        [w.partner.client_id, w.partner.client_secret!.toUpperCase()],
        ['no-such-client', w.partner.client_secret!],
        [w.partner.client_id.toUpperCase(), w.partner.client_secret!],
        [`${w.partner.client_id} `, w.partner.client_secret!],
      ]) {
        const res = await oauth.asClient(w.t.http().post(path), { client_id: id, client_secret: secret }, body());
        oauth.expectOAuthError(res, 401, 'invalid_client');
        expect(res.headers['www-authenticate']).toMatch(/^Basic /);
      }
    });

    it.each(endpoints)(
      '%s: 401 invalid_client with a Basic challenge for malformed or missing credentials',
      async (path, body) => {
        for (const header of [
          'Basic',
          'Basic !!!',
          `Basic ${Buffer.from('no-colon').toString('base64')}`,
          `Basic ${Buffer.from(':secret').toString('base64')}`,
          `Basic ${Buffer.from('%zz:x').toString('base64')}`,
          undefined,
        ]) {
          const req = w.t.http().post(path).type('form');
          if (header) req.set('Authorization', header);
          const res = await req.send(body());
          oauth.expectOAuthError(res, 401, 'invalid_client');
          expect(res.headers['www-authenticate']).toMatch(/^Basic /);
        }
      },
    );

    it.each(endpoints)('%s: 401 invalid_client for a bad client_secret_post secret', async (path, body) => {
      for (const secret of ['wrong', '', w.other.client_secret!]) {
        oauth.expectOAuthError(
          await w.t
            .http()
            .post(path)
            .type('form')
            .send({ ...body(), client_id: w.postClient.client_id, client_secret: secret }),
          401,
          'invalid_client',
        );
      }
    });

    it.each(endpoints)(
      '%s: invalid_request for credentials in both the Authorization header and the body',
      async (path, body) => {
        const res = await oauth.asClient(w.t.http().post(path), w.partner, {
          ...body(),
          client_id: w.partner.client_id,
          client_secret: w.partner.client_secret!,
        });
        oauth.expectOAuthError(res, 400, 'invalid_request');
      },
    );

    it.each(endpoints)('%s: refuses credentials in the query string', async (path, body) => {
      for (const query of [
        `client_id=${w.postClient.client_id}&client_secret=${w.postClient.client_secret}`,
        `client_secret=${w.postClient.client_secret}`,
        `client_id=${w.postClient.client_id}`,
      ]) {
        const res = await w.t
          .http()
          .post(`${path}?${query}`)
          .type('form')
          .send({ ...body(), client_id: w.postClient.client_id, client_secret: w.postClient.client_secret! });
        oauth.expectOAuthError(res, 400, 'invalid_request');
      }
      const basicToo = await oauth.asClient(
        w.t.http().post(`${path}?client_secret=${w.partner.client_secret}`),
        w.partner,
        body(),
      );
      oauth.expectOAuthError(basicToo, 400, 'invalid_request');
    });

    it('a failed client authentication does not spend the code', async () => {
      const { code, verifier } = await w.codeFor(w.partner);
      oauth.expectOAuthError(
        await w.exchange(code, verifier, { ...w.partner, client_secret: 'wrong' }),
        401,
        'invalid_client',
      );
      await w.exchange(code, verifier).expect(200);
    });
  });

  describe('12. client_credentials only for confidential clients allowed it, never with a refresh token; unknown grants refused', () => {
    it('refuses a public client with unauthorized_client', async () => {
      oauth.expectOAuthError(
        await oauth
          .tokenRequest(w.t.http())
          .type('form')
          .send({ grant_type: 'client_credentials', client_id: w.publicClient.client_id }),
        400,
        'unauthorized_client',
      );
    });

    it('refuses a confidential client not allowed the grant with unauthorized_client', async () => {
      oauth.expectOAuthError(await w.clientCredentials(w.partner), 400, 'unauthorized_client');
    });

    it('never returns a refresh token, even to a client allowed refresh_token and offline_access', async () => {
      const res = await w.clientCredentials(w.service, { scope: 'api offline_access' }).expect(200);
      expect(res.body.refresh_token).toBeUndefined();
      expect(res.body.id_token).toBeUndefined();
      expect(Object.keys(res.body).sort()).toEqual(['access_token', 'expires_in', 'scope', 'token_type']);
    });

    it.each([
      ['password'],
      ['implicit'],
      ['urn:ietf:params:oauth:grant-type:device_code'],
      ['urn:ietf:params:oauth:grant-type:jwt-bearer'],
      ['urn:ietf:params:oauth:grant-type:token-exchange'],
      ['Authorization_Code'],
      ['client_credentials '],
      ['__proto__'],
      ['constructor'],
    ])('refuses grant_type %p with unsupported_grant_type', async (grantType) => {
      const res = await oauth.token(w.t.http(), w.partner, {
        grant_type: grantType,
        username: w.user.username,
        password: w.user.password,
      });
      oauth.expectOAuthError(res, 400, 'unsupported_grant_type');
    });
  });

  describe('13. only POST at the token endpoint; Cache-Control: no-store on every answer', () => {
    it.each([['get'], ['put'], ['patch'], ['delete'], ['options']] as const)(
      '%s is 405 with Allow: POST',
      async (method) => {
        const res = await w.t.http()[method](oauth.TOKEN_ENDPOINT);
        oauth.expectOAuthError(res, 405, 'invalid_request');
        expect(res.headers.allow).toBe('POST');
      },
    );

    it.each([[oauth.REVOCATION_ENDPOINT], [oauth.INTROSPECTION_ENDPOINT]])('%s too takes POST only', async (path) => {
      const res = await w.t.http().get(path);
      oauth.expectOAuthError(res, 405, 'invalid_request');
      expect(res.headers.allow).toBe('POST');
    });

    it('a path that exists names its methods; one that does not stays 404', async () => {
      const jwks = await w.t.http().post('/oauth/jwks');
      oauth.expectOAuthError(jwks, 405, 'invalid_request');
      expect(jwks.headers.allow).toBe('GET, HEAD');
      expectNotFound(await w.t.http().post('/oauth/nothing-here'));
    });

    it('so does a path with a parameter in it', async () => {
      const client = await w.t.http().put('/admin/clients/any-id');
      oauth.expectOAuthError(client, 405, 'invalid_request');
      expect(client.headers.allow).toBe('GET, HEAD, PATCH, DELETE');
      const secret = await w.t.http().get('/admin/clients/any-id/secret');
      oauth.expectOAuthError(secret, 405, 'invalid_request');
      expect(secret.headers.allow).toBe('POST');
      expectNotFound(await w.t.http().get('/admin/clients/any-id/nothing-here'));
    });

    it('HEAD is 405 with no-store', async () => {
      const res = await w.t.http().head(oauth.TOKEN_ENDPOINT);
      expect(res.status).toBe(405);
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('every success and every error of the token endpoint carries no-store', async () => {
      const { code, verifier } = await w.codeFor(w.partner);
      const answers: Response[] = [
        await w.exchange(code, verifier).expect(200),
        await w.clientCredentials(w.service).expect(200),
        await oauth.token(w.t.http(), w.partner, { grant_type: 'password' }),
        await oauth.token(w.t.http(), { ...w.partner, client_secret: 'x' }, { grant_type: 'client_credentials' }),
        await oauth.tokenRequest(w.t.http()).send({ grant_type: 'client_credentials' }),
        await oauth.tokenRequest(w.t.http()).set('Content-Type', 'application/xml').send('<x/>'),
        await oauth.token(w.t.http(), w.partner, `grant_type=${'a'.repeat(100 * 1024)}`),
        await oauth.tokenRequest(w.t.http()).set('Content-Type', 'application/json').send('{bad'),
      ];
      const tokens = answers[0].body as Tokens;
      answers.push(await w.refresh(tokens.refresh_token).expect(200));
      expect(answers.map((r) => r.status)).toEqual([200, 200, 400, 401, 400, 415, 413, 400, 200]);
      for (const res of answers) expect(res.headers['cache-control']).toBe('no-store');
    });
  });
});
