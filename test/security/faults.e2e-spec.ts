import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp } from '../helpers/create-test-app';
import { authorize, hiddenFields, pkcePair } from '../helpers/oauth-client';
import * as oauth from '../helpers/partner';
import { Client, codeFlow, cookiesOf, REDIRECT, sidOf, Tokens } from './world';

/*
 * Items of the checklist in docs/security.md, fired at the running provider. Database outages
 * (item 36) and two instances on one database (item 38) are proven by database-faults.e2e-spec.ts.
 */

describe('Faults (docs/security.md, Checklist)', () => {
  describe('37. after a restart: same signing keys, clients, refresh tokens, revocations, used codes and sessions', () => {
    it('keeps everything', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'security-restart-'));
      // The same database for both lives: a file on SQLite (memory would die with the first app), the shared one on MySQL.
      const env: Record<string, string> = process.env.DATABASE_URL?.startsWith('mysql://')
        ? {}
        : { DATABASE_URL: `sqlite:${join(dir, 'provider.sqlite')}` };
      try {
        const first = await createTestApp(env);
        let state: {
          client: Client;
          kids: string[];
          live: Tokens;
          revoked: string;
          usedCode: { code: string; verifier: string };
          sid: string;
        };
        try {
          const client = await first.createClient({ redirect_uris: [REDIRECT], ...codeFlow });
          const person = await first.createUser();
          const browser = first.browser();
          const code = async () => {
            const pkce = pkcePair();
            const location = await authorize(
              browser,
              {
                response_type: 'code',
                client_id: client.client_id,
                redirect_uri: REDIRECT,
                scope: 'openid profile',
                code_challenge: pkce.challenge,
                code_challenge_method: 'S256',
              },
              person,
            );
            return { code: location.searchParams.get('code')!, verifier: pkce.verifier };
          };
          const redeem = async (c: { code: string; verifier: string }) =>
            (await oauth.exchange(first.http(), client, c).expect(200)).body as Tokens;
          const live = await redeem(await code());
          const usedCode = await code();
          const revoked = (await redeem(usedCode)).access_token;
          await oauth.revoke(first.http(), client, revoked).expect(200);
          const page = await first.http().get('/login').expect(200);
          const login = await first
            .http()
            .post('/login')
            .set('Cookie', cookiesOf(page))
            .type('form')
            .send({ ...hiddenFields(page.text), username: person.username, password: person.password })
            .expect(303);
          const kids = ((await first.http().get('/oauth/jwks').expect(200)).body.keys as { kid: string }[]).map(
            (k) => k.kid,
          );
          state = { client, kids, live, revoked, usedCode, sid: sidOf(login)! };
        } finally {
          await first.close();
        }

        const second = await createTestApp(env);
        try {
          const { client, kids, live, revoked, usedCode, sid } = state;
          const jwks = ((await second.http().get('/oauth/jwks').expect(200)).body.keys as { kid: string }[]).map(
            (k) => k.kid,
          );
          expect(jwks).toEqual(expect.arrayContaining(kids));
          expect((await oauth.introspect(second.http(), client, live.access_token).expect(200)).body.active).toBe(true);
          expect((await oauth.introspect(second.http(), client, revoked).expect(200)).body).toEqual({ active: false });
          oauth.expectOAuthError(await oauth.exchange(second.http(), client, usedCode), 400, 'invalid_grant');
          await oauth.refresh(second.http(), client, live.refresh_token).expect(200);
          await second.http().get('/').set('Cookie', `sid=${sid}`).expect(200);
        } finally {
          await second.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
