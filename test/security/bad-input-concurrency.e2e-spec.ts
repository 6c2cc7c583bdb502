import { decodeJwt } from 'jose';
import type { Response } from 'supertest';
import { failNextWrite } from '../helpers/fail-next-write';
import { authorizeUrl, basicAuth, hiddenFields } from '../helpers/oauth-client';
import * as oauth from '../helpers/partner';
import {
  FAST_MS,
  REDIRECT,
  Client,
  Tokens,
  expectErrorPage,
  expectRedirectedError,
  expectNotFound,
  expectCleanHeaders,
  forgedJwt,
  rawRequest,
  useSecurityWorld,
} from './world';

/* Items of the checklist in docs/security.md, fired at the running provider. */

describe('Bad input and concurrency (docs/security.md, Checklist)', () => {
  const w = useSecurityWorld();

  describe('30. oversized parameters and bodies: a fast 400, 413 or 414, never a 500', () => {
    async function timed(request: () => Promise<Response>): Promise<Response> {
      const started = Date.now();
      const res = await request();
      expect(Date.now() - started).toBeLessThan(FAST_MS);
      expect(res.status).toBeLessThan(500);
      return res;
    }

    it.each([[oauth.TOKEN_ENDPOINT], [oauth.REVOCATION_ENDPOINT], [oauth.INTROSPECTION_ENDPOINT]])(
      '%s: a 100 KB body is 413',
      async (path) => {
        for (const body of [
          `token=${'a'.repeat(100 * 1024)}`,
          `client_id=${'a'.repeat(100 * 1024)}&grant_type=client_credentials`,
        ]) {
          oauth.expectOAuthError(
            await timed(() => oauth.asClient(w.t.http().post(path), w.partner, body)),
            413,
            'invalid_request',
          );
        }
      },
    );

    it('the admin API: a 100 KB body is 413', async () => {
      oauth.expectOAuthError(
        await timed(() => w.admin('post', '/admin/clients').send({ name: 'x'.repeat(100 * 1024) })),
        413,
        'invalid_request',
      );
    });

    it('a 1 MB query string and a 100 KB client_id at the authorization endpoint are 414', async () => {
      for (const query of [
        `client_id=${w.partner.client_id}&state=${'s'.repeat(1024 * 1024)}`,
        `client_id=${'a'.repeat(100 * 1024)}&response_type=code`,
      ]) {
        oauth.expectOAuthError(await timed(() => w.t.http().get(`/oauth/authorize?${query}`)), 414, 'invalid_request');
      }
    });

    it('a 100 KB Authorization header is refused (431, the status for headers)', async () => {
      const res = await timed(() =>
        oauth
          .tokenRequest(w.t.http())
          .set('Authorization', basicAuth('a'.repeat(100 * 1024), 'x'))
          .type('form')
          .send({ grant_type: 'client_credentials' }),
      );
      oauth.expectOAuthError(res, 431, 'invalid_request');
    });

    it('a path parameter longer than the router takes is 414', async () => {
      oauth.expectOAuthError(
        await timed(() => w.admin('get', `/admin/clients/${'a'.repeat(1000)}`)),
        414,
        'invalid_request',
      );
    });

    it('long values within the size limits are refused as they should be, quickly', async () => {
      expectErrorPage(
        await timed(() => w.t.http().get(authorizeUrl(w.baseQuery({ client_id: 'c'.repeat(10 * 1024) })))),
      );
      expectErrorPage(
        await timed(() =>
          w.t.http().get(authorizeUrl(w.baseQuery({ redirect_uri: `${REDIRECT}${'/a'.repeat(4000)}` }))),
        ),
      );
      expectRedirectedError(
        await timed(() => w.t.http().get(authorizeUrl(w.baseQuery({ nonce: 'n'.repeat(513) })))),
        'invalid_request',
        'st',
      );
      expectRedirectedError(
        await timed(() =>
          w.t
            .http()
            .get(authorizeUrl(w.baseQuery({ scope: Array.from({ length: 1500 }, (_, i) => `s${i}`).join(' ') }))),
        ),
        'invalid_scope',
        'st',
      );
      oauth.expectOAuthError(
        await timed(() =>
          oauth.token(w.t.http(), w.partner, { grant_type: 'authorization_code', code: 'c'.repeat(10 * 1024) }),
        ),
        400,
        'invalid_request',
      );
      oauth.expectOAuthError(
        await timed(() =>
          oauth.token(w.t.http(), w.partner, { grant_type: 'refresh_token', refresh_token: 'r'.repeat(10 * 1024) }),
        ),
        400,
        'invalid_request',
      );
      oauth.expectOAuthError(
        await timed(() => oauth.revoke(w.t.http(), w.partner, { token: 't'.repeat(10 * 1024) })),
        400,
        'invalid_request',
      );
      oauth.expectOAuthError(
        await timed(() =>
          oauth.token(w.t.http(), w.partner, Array.from({ length: 5000 }, (_, i) => `p${i}=1`).join('&')),
        ),
        400,
        'invalid_request',
      );
    });

    it('deeply nested JSON at the admin API is a 400, not a stack overflow', async () => {
      for (const body of [
        `{"redirect_uris":${'['.repeat(20000)}${']'.repeat(20000)}}`,
        `{"name":"x","scope":${'{"a":'.repeat(10000)}1${'}'.repeat(10000)}}`,
      ]) {
        const res = await timed(() =>
          w.admin('post', '/admin/clients').set('Content-Type', 'application/json').send(body),
        );
        expect(res.status).toBe(400);
        expect(res.body.error).toEqual(expect.any(String));
      }
    });

    it('an offset no database takes is a 400', async () => {
      for (const offset of ['100000000000000000000', '1e300']) {
        oauth.expectOAuthError(
          await timed(() => w.admin('get', `/admin/clients?offset=${offset}`)),
          400,
          'invalid_request',
        );
      }
    });
  });

  describe('31. a parameter given twice: invalid_request', () => {
    const twice = (params: Record<string, string>, name: string) => {
      const query = new URLSearchParams(params);
      query.append(name, params[name] ?? 'x');
      return query.toString();
    };

    it.each([['client_id'], ['redirect_uri']])(
      'authorization endpoint: %s twice shows the error page',
      async (name) => {
        expectErrorPage(
          await w.signedIn.get(`/oauth/authorize?${twice(w.baseQuery() as Record<string, string>, name)}`),
        );
      },
    );

    it.each([
      ['response_type'],
      ['scope'],
      ['code_challenge'],
      ['code_challenge_method'],
      ['nonce'],
      ['prompt'],
      ['max_age'],
      ['response_mode'],
      ['state'],
    ])('authorization endpoint: %s twice is redirected with invalid_request', async (name) => {
      const params = {
        ...(w.baseQuery({ nonce: 'n', prompt: 'consent', max_age: '60', response_mode: 'query' }) as Record<
          string,
          string
        >),
      };
      // A state given twice is no state: none is echoed back.
      expectRedirectedError(
        await w.signedIn.get(`/oauth/authorize?${twice(params, name)}`),
        'invalid_request',
        name === 'state' ? null : 'st',
      );
    });

    it('authorization endpoint: the same value twice is still twice', async () => {
      const query = new URLSearchParams(w.baseQuery() as Record<string, string>);
      query.append('scope', 'openid');
      expectRedirectedError(await w.signedIn.get(`/oauth/authorize?${query}`), 'invalid_request', 'st');
    });

    it.each([['grant_type'], ['code'], ['redirect_uri'], ['code_verifier'], ['client_id'], ['scope']])(
      'token endpoint: %s twice',
      async (name) => {
        const { code, verifier } = await w.codeFor(w.partner);
        const body = {
          grant_type: 'authorization_code',
          code,
          redirect_uri: REDIRECT,
          code_verifier: verifier,
          client_id: w.partner.client_id,
          scope: 'openid',
        };
        oauth.expectOAuthError(await oauth.token(w.t.http(), w.partner, twice(body, name)), 400, 'invalid_request');
        // The refused request did not spend the code.
        await w.exchange(code, verifier).expect(200);
      },
    );

    it.each([['refresh_token'], ['scope']])(
      'token endpoint, refresh: %s twice, and the token is not spent',
      async (name) => {
        const tokens = await w.tokensFor();
        oauth.expectOAuthError(
          await oauth.token(
            w.t.http(),
            w.partner,
            twice({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, scope: 'openid' }, name),
          ),
          400,
          'invalid_request',
        );
        await w.refresh(tokens.refresh_token).expect(200);
      },
    );

    it.each([['client_id'], ['client_secret']])('token endpoint: %s twice with client_secret_post', async (name) => {
      const body = {
        grant_type: 'authorization_code',
        code: 'x',
        client_id: w.postClient.client_id,
        client_secret: w.postClient.client_secret!,
      };
      oauth.expectOAuthError(
        await oauth.tokenRequest(w.t.http()).type('form').send(twice(body, name)),
        400,
        'invalid_request',
      );
    });

    it.each([[oauth.REVOCATION_ENDPOINT], [oauth.INTROSPECTION_ENDPOINT]])(
      '%s: token, token_type_hint, client_id or client_secret twice',
      async (path) => {
        const tokens = await w.tokensFor();
        for (const name of ['token', 'token_type_hint']) {
          oauth.expectOAuthError(
            await oauth.asClient(
              w.t.http().post(path),
              w.partner,
              twice({ token: tokens.access_token, token_type_hint: 'access_token' }, name),
            ),
            400,
            'invalid_request',
          );
        }
        for (const name of ['client_id', 'client_secret']) {
          const body = {
            token: tokens.access_token,
            client_id: w.postClient.client_id,
            client_secret: w.postClient.client_secret!,
          };
          oauth.expectOAuthError(
            await w.t.http().post(path).type('form').send(twice(body, name)),
            400,
            'invalid_request',
          );
        }
        expect(await w.isActive(tokens.access_token)).toBe(true);
      },
    );
  });

  describe('32. control characters, invalid UTF-8 and injection strings: a clean 4xx; nothing unescaped in a header; nothing matches by accident', () => {
    const HOSTILE: [string, string][] = [
      ['CR LF', 'a%0d%0aSet-Cookie:%20sid=evil'],
      ['a lone LF', 'a%0aLocation:%20https://evil.example'],
      ['NUL', 'a%00b'],
      ['DEL and ESC', 'a%7f%1bb'],
      ['invalid UTF-8', '%ff%fe'],
      ['a truncated UTF-8 sequence', '%e2%82'],
      ['an overlong UTF-8 slash', '%c0%af'],
      ['broken percent-encoding', '%zz%'],
    ];
    const INJECTION = [
      "' OR '1'='1",
      "'; DROP TABLE clients; --",
      '<script>alert(1)</script>',
      '"><img src=x onerror=alert(1)>',
      '${7*7}',
      '{{7*7}}',
    ];

    const rawQuery = (name: string, raw: string, base: Record<string, string | undefined> = w.baseQuery()) => {
      const query = new URLSearchParams(
        Object.entries(base).filter((e): e is [string, string] => e[1] !== undefined && e[0] !== name),
      );
      return `/oauth/authorize?${query}&${name}=${raw}`;
    };

    it.each(HOSTILE)(
      'authorization endpoint, %s in each parameter: the error page or an error redirect, signed in or not',
      async (_, raw) => {
        for (const name of [
          'client_id',
          'redirect_uri',
          'response_type',
          'scope',
          'state',
          'nonce',
          'code_challenge',
          'code_challenge_method',
          'prompt',
          'max_age',
        ]) {
          for (const browser of [w.t.browser(), w.signedIn]) {
            const res = await browser.get(rawQuery(name, raw));
            expectCleanHeaders(res);
            if (['client_id', 'redirect_uri'].includes(name)) {
              expectErrorPage(res);
            } else if (raw.startsWith('%') && !/%(0|1|7f)/i.test(raw) && ['state', 'nonce'].includes(name)) {
              // Undecodable bytes in state or nonce are kept as the literal text, which has no control
              // characters: a request like any other, and the literal comes back as the state.
              expect(res.status).toBe(303);
              if (name === 'state' && res.headers.location.startsWith('https:'))
                expect(new URL(res.headers.location).searchParams.get('state')).toBe(raw);
            } else {
              expect(res.status).toBe(303);
              const location = new URL(res.headers.location);
              expect(location.searchParams.get('error')).toMatch(
                /^(invalid_request|invalid_scope|unsupported_response_type)$/,
              );
              expect(location.searchParams.get('code')).toBeNull();
            }
          }
        }
      },
    );

    it('a state with control characters is refused and not echoed back', async () => {
      const res = await w.signedIn.get(rawQuery('state', 'x%0d%0aSet-Cookie:%20sid=evil')).expect(303);
      const location = expectRedirectedError(res, 'invalid_request', null);
      expect(location.toString()).not.toMatch(/Set-Cookie/i);
    });

    it.each(INJECTION)(
      'authorization endpoint, %p in each parameter: escaped wherever it comes back',
      async (value) => {
        for (const name of [
          'client_id',
          'redirect_uri',
          'response_type',
          'scope',
          'state',
          'nonce',
          'code_challenge',
          'prompt',
        ]) {
          const res = await w.signedIn.get(
            authorizeUrl(w.baseQuery({ [name]: value, prompt: name === 'prompt' ? value : 'consent' })),
          );
          expect(res.status).toBeLessThan(500);
          expectCleanHeaders(res);
          expect(res.text ?? '').not.toMatch(/<script>alert|<img src=x/);
          expect(res.headers.location ?? '').not.toContain('code=');
        }
      },
    );

    it.each([
      ...HOSTILE.map(([label, raw]) => [label, raw] as [string, string]),
      ...INJECTION.map((v) => [v, encodeURIComponent(v)] as [string, string]),
    ])('token endpoint, %s in each parameter a grant reads: a 4xx RFC 6749 §5.2 error', async (_, raw) => {
      // RFC 6749 §3.1: parameters a grant does not define are ignored, so each grant is given its own.
      const cases: [Client, string, string[]][] = [
        [
          w.partner,
          'grant_type=authorization_code&code=c&redirect_uri=x&code_verifier=v',
          ['code', 'redirect_uri', 'code_verifier', 'grant_type', 'client_id'],
        ],
        [w.partner, 'grant_type=refresh_token&refresh_token=r', ['refresh_token', 'scope', 'grant_type', 'client_id']],
        [w.service, 'grant_type=client_credentials', ['scope', 'grant_type', 'client_id']],
      ];
      for (const [as, body, names] of cases) {
        for (const name of names) {
          const params = new URLSearchParams(body);
          params.delete(name);
          const res = await oauth.token(w.t.http(), as, `${params}&${name}=${raw}`);
          expectCleanHeaders(res);
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
          expect(res.headers['cache-control']).toBe('no-store');
          expect(res.body).toEqual({ error: expect.any(String), error_description: expect.any(String) });
        }
      }
    });

    it.each(HOSTILE)(
      'revocation and introspection, %s in each parameter: 200 for a token that is none, or a 4xx',
      async (_, raw) => {
        for (const path of [oauth.REVOCATION_ENDPOINT, oauth.INTROSPECTION_ENDPOINT]) {
          for (const name of ['token', 'token_type_hint', 'client_id']) {
            const res = await oauth.asClient(w.t.http().post(path), w.resourceServer, `token=x&${name}=${raw}`);
            expectCleanHeaders(res);
            if (res.status === 200)
              expect(path === oauth.INTROSPECTION_ENDPOINT ? res.body : res.text).toEqual(
                path === oauth.INTROSPECTION_ENDPOINT ? { active: false } : '',
              );
            else expect(res.body).toEqual({ error: expect.any(String), error_description: expect.any(String) });
            expect(res.status).toBeLessThan(500);
          }
        }
      },
    );

    it('a URL that is not valid percent-encoding, or not valid HTTP, gets the standard error shape', async () => {
      oauth.expectOAuthError(await w.admin('get', '/admin/clients/%ff'), 400, 'invalid_request');
      for (const raw of [
        'GET /oauth/authorize?state=a\rb HTTP/1.1\r\nHost: x\r\n\r\n',
        'GET /oauth/authorize?state=a\0b HTTP/1.1\r\nHost: x\r\n\r\n',
        Buffer.concat([
          Buffer.from('GET /oauth/authorize?state='),
          Buffer.from([0xff, 0xfe]),
          Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n'),
        ]),
        'NONSENSE\r\n\r\n',
      ]) {
        const answer = await rawRequest(w.t, raw);
        expect(answer).toMatch(/^HTTP\/1\.1 400 /);
        expect(answer).toMatch(/\r\nCache-Control: no-store\r\n/i);
        expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual({
          error: 'invalid_request',
          error_description: expect.any(String),
        });
      }
    });

    it('bearer tokens with a broken payload or a kid that is no string are 401, not a server error', async () => {
      const tokens = await w.tokensFor();
      const [idHeader] = tokens.id_token.split('.');
      const [atHeader] = tokens.access_token.split('.');
      const kid = (JSON.parse(Buffer.from(atHeader, 'base64url').toString()) as { kid: string }).kid;
      const broken = [
        `${idHeader}.${Buffer.from('{"iss": (').toString('base64url')}.x`,
        `${atHeader}.${Buffer.from('not json').toString('base64url')}.x`,
        forgedJwt({ alg: 'ES256', typ: 'at+jwt', kid: { $ne: null } }, { sub: 'x' }),
        forgedJwt({ alg: 'ES256', typ: 'at+jwt', kid: [kid] }, { sub: 'x' }),
        forgedJwt({ alg: 'ES256', typ: 'at+jwt', kid: kid.toUpperCase() }, decodeJwt(tokens.access_token)),
        forgedJwt('not json', { sub: 'x' }),
        forgedJwt(null, { sub: 'x' }),
      ];
      for (const token of broken) {
        oauth.expectOAuthError(
          await w.t.http().get('/oauth/userinfo').set('Authorization', `Bearer ${token}`),
          401,
          'invalid_token',
        );
        oauth.expectOAuthError(await w.admin('get', '/admin/clients', token), 401, 'invalid_token');
        expect((await oauth.introspect(w.t.http(), w.resourceServer, { token }).expect(200)).body).toEqual({
          active: false,
        });
        await oauth.revoke(w.t.http(), w.partner, { token }).expect(200);
        const logout = await w.t.http().get(`/logout?id_token_hint=${encodeURIComponent(token)}`);
        expect(logout.status).toBe(400);
      }
    });

    it('nothing matches by accident: a client_id or username in another case, padded, or with a NUL finds nothing', async () => {
      for (const id of [
        w.partner.client_id.toUpperCase(),
        w.partner.client_id.toLowerCase(),
        `${w.partner.client_id} `,
        `${w.partner.client_id}\0`,
        ` ${w.partner.client_id}`,
      ].filter((v) => v !== w.partner.client_id)) {
        expectErrorPage(await w.signedIn.get(authorizeUrl(w.baseQuery({ client_id: id }))));
        oauth.expectOAuthError(
          await oauth.token(w.t.http(), { ...w.partner, client_id: id }, { grant_type: 'client_credentials' }),
          401,
          'invalid_client',
        );
        expectNotFound(await w.admin('get', `/admin/clients/${encodeURIComponent(id)}`));
      }
      for (const username of [w.user.username.toUpperCase(), `${w.user.username} `, `${w.user.username}\0`]) {
        const browser = w.t.browser();
        const page = await browser.get('/login').expect(200);
        await browser
          .post('/login')
          .type('form')
          .send({ ...hiddenFields(page.text), username, password: w.user.password })
          .expect(401);
        await browser.get('/').expect(303);
      }
    });
  });

  describe('33. token requests as JSON: invalid_request', () => {
    it.each([[oauth.TOKEN_ENDPOINT], [oauth.REVOCATION_ENDPOINT], [oauth.INTROSPECTION_ENDPOINT]])(
      '%s',
      async (path) => {
        const { code, verifier } = await w.codeFor(w.partner);
        const res = await w.t
          .http()
          .post(path)
          .set('Authorization', basicAuth(w.partner.client_id, w.partner.client_secret!))
          .send({
            grant_type: 'authorization_code',
            code,
            redirect_uri: REDIRECT,
            code_verifier: verifier,
            token: 'x',
          });
        oauth.expectOAuthError(res, 400, 'invalid_request');
        // The code survives the refused request.
        await w.exchange(code, verifier).expect(200);
      },
    );
  });

  describe('34. concurrent redemptions: exactly one success; concurrent refreshes: exactly one successor, reuse still detected', () => {
    it('one code, 20 concurrent exchanges', async () => {
      const { code, verifier } = await w.codeFor(w.partner);
      const results = await Promise.all(Array.from({ length: 20 }, () => w.exchange(code, verifier)));
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      for (const r of results.filter((r) => r.status !== 200)) oauth.expectOAuthError(r, 400, 'invalid_grant');
    });

    it('one refresh token, 10 concurrent refreshes: exactly one successor, and reuse after it is still detected', async () => {
      const tokens = await w.tokensFor();
      const results = await Promise.all(Array.from({ length: 10 }, () => w.refresh(tokens.refresh_token)));
      const [winner, ...more] = results.filter((r) => r.status === 200);
      expect(more).toHaveLength(0);
      expect(winner.body.refresh_token).toEqual(expect.any(String));
      for (const r of results.filter((r) => r.status !== 200)) oauth.expectOAuthError(r, 400, 'invalid_grant');
      oauth.expectOAuthError(await w.refresh(tokens.refresh_token), 400, 'invalid_grant');
      // Reuse was detected: the successor is dead too.
      oauth.expectOAuthError(await w.refresh(winner.body.refresh_token as string), 400, 'invalid_grant');
    });
  });

  describe('35. consuming a code or refresh token and storing the new tokens happen in one transaction', () => {
    afterEach(() => jest.restoreAllMocks());

    it('a failure storing the tokens leaves the code unspent', async () => {
      const { code, verifier } = await w.codeFor(w.partner);
      const writeFailed = failNextWrite(w.db, 'refresh_tokens');
      const failed = await w.exchange(code, verifier);
      expect(failed.status).toBeGreaterThanOrEqual(500);
      expect(writeFailed()).toBe(true);
      const res = await w.exchange(code, verifier).expect(200);
      expect(await w.isActive(res.body.access_token as string)).toBe(true);
    });

    // A refresh token is spent by the very row of its successor: one INSERT, so one transaction.
    it('a failure storing the successor leaves the refresh token valid, and a success leaves only the successor', async () => {
      const tokens = await w.tokensFor();
      const writeFailed = failNextWrite(w.db, 'refresh_tokens');
      expect((await w.refresh(tokens.refresh_token)).status).toBeGreaterThanOrEqual(500);
      expect(writeFailed()).toBe(true);
      expect(await w.refreshTokenActive(tokens.refresh_token)).toBe(true);
      const next = (await w.refresh(tokens.refresh_token).expect(200)).body as Tokens;
      expect(await w.refreshTokenActive(tokens.refresh_token)).toBe(false);
      expect(await w.refreshTokenActive(next.refresh_token)).toBe(true);
    });
  });
});
