import { decodeJwt } from 'jose';
import { mkdtempSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Response } from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { AuthorizationCodeEntity } from '../src/auth-codes/entities/authorization-code.entity';
import { ClientWithSecret } from '../src/clients/clients.service';
import { sha256 } from '../src/common/crypto/tokens';
import { failNextWrite } from './helpers/fail-next-write';
import { createTestApp, TestApp, uniqueName } from './helpers/create-test-app';
import { authorize, authorizeUrl, basicAuth, hiddenFields, pkcePair, signIn } from './helpers/oauth-client';

/*
 * Every attack of ../shared/SECURITY.md, fired at the running provider, one describe per item,
 * asserting the outcome written there, with the variants an attacker would try.
 */

const ISSUER = 'http://localhost:3000';
const REDIRECT = 'https://partner.example/callback';
const LOOPBACK_V4 = 'http://127.0.0.1/cb';
const LOOPBACK_V6 = 'http://[::1]/cb';
const LOCALHOST = 'http://localhost:8080/cb';
const FAST_MS = 1000;
/** What a partner of the code flow is registered with. */
const codeFlow = { grant_types: ['authorization_code', 'refresh_token'], scope: 'openid profile email offline_access' };

type User = Awaited<ReturnType<TestApp['createUser']>>;
type Tokens = { access_token: string; refresh_token: string; id_token: string; scope: string };

/** The error page of the authorization endpoint: 400, HTML, no redirect (RFC 6749 §4.1.2.1). */
function expectErrorPage(res: Response): void {
  expect(res.status).toBe(400);
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expect(res.headers.location).toBeUndefined();
  expect(res.text).toContain('This request cannot be completed');
}

/** An authorization error sent back to the client: `error`, the exact `state`, `iss` (RFC 6749 §4.1.2.1, RFC 9207). */
function expectRedirectedError(res: Response, error: string, state: string | null, base = REDIRECT): URL {
  expect(res.status).toBe(303);
  const location = new URL(res.headers.location);
  expect(`${location.origin}${location.pathname}`).toBe(base);
  expect(location.searchParams.get('error')).toBe(error);
  expect(location.searchParams.get('error_description')).toEqual(expect.any(String));
  expect(location.searchParams.get('state')).toBe(state);
  expect(location.searchParams.get('iss')).toBe(ISSUER);
  expect(location.searchParams.get('code')).toBeNull();
  return location;
}

/** RFC 6749 §5.2: the JSON error with `Cache-Control: no-store`. */
function expectJsonError(res: Response, status: number, error: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.body).toEqual({ error, error_description: expect.any(String) });
}

/** Nothing from the request reaches a header unescaped. */
function expectCleanHeaders(res: Response): void {
  for (const [name, value] of Object.entries(res.headers)) {
    for (const v of ([] as unknown[]).concat(value)) expect(`${name}: ${String(v)}`).toMatch(/^[\x20-\x7e]*$/);
  }
}

function sidOf(res: Response): string | undefined {
  const line = ([] as string[])
    .concat(res.headers['set-cookie'] ?? [])
    .filter((l) => l.startsWith('sid='))
    .pop();
  return line?.split(';')[0].slice('sid='.length);
}

/** The `name=value` of each cookie a response sets, to send back by hand. */
function cookiesOf(res: Response): string[] {
  return ([] as string[]).concat(res.headers['set-cookie'] ?? []).map((line) => line.split(';')[0]);
}

/** A JWT-looking value with this header and payload and a made-up signature. */
function forgedJwt(header: unknown, payload: unknown): string {
  const part = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
  return `${part(header)}.${part(payload)}.${Buffer.from('not a signature').toString('base64url')}`;
}

/** A raw HTTP request, for what no HTTP client library would send; resolves with the raw answer. */
function rawRequest(t: TestApp, data: string | Buffer): Promise<string> {
  const port = (t.app.getHttpServer().address() as net.AddressInfo).port;
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(data));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.on('close', () => resolve(answer));
    socket.on('error', () => resolve(answer));
  });
}

describe('SECURITY.md: every attack fired at the running provider', () => {
  let t: TestApp;
  let db: DataSource;
  let user: User;
  let partner: ClientWithSecret;
  let other: ClientWithSecret;
  let postClient: ClientWithSecret;
  let publicClient: ClientWithSecret;
  let service: ClientWithSecret;
  let resourceServer: ClientWithSecret;
  let adminClient: ClientWithSecret;
  let adminToken: string;
  /** Signed in as `user`, who has allowed `partner` every scope, so a good request gets a code at once. */
  let signedIn: TestAgent;

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    await new Promise<void>((resolve) => t.app.getHttpServer().listen(0, '127.0.0.1', resolve));
    user = await t.createUser({ name: 'Ada', email: 'ada@example.com' });
    partner = await t.createClient({
      name: 'Partner',
      redirect_uris: [REDIRECT, 'https://partner.example/other', LOOPBACK_V4, LOOPBACK_V6, LOCALHOST],
      ...codeFlow,
    });
    other = await t.createClient({ name: 'Other partner', redirect_uris: [REDIRECT], ...codeFlow });
    postClient = await t.createClient({
      name: 'Post partner',
      redirect_uris: [REDIRECT],
      token_endpoint_auth_method: 'client_secret_post',
      ...codeFlow,
    });
    publicClient = await t.createClient({
      name: 'Native app',
      redirect_uris: [REDIRECT],
      token_endpoint_auth_method: 'none',
      ...codeFlow,
    });
    service = await t.createClient({
      name: 'Service',
      redirect_uris: [],
      grant_types: ['client_credentials', 'refresh_token'],
      scope: 'api offline_access',
    });
    resourceServer = await t.createClient({
      name: 'API',
      redirect_uris: [],
      grant_types: ['client_credentials'],
      scope: '',
      resource_server: true,
    });
    adminClient = await t.createClient({
      name: 'Admin console',
      redirect_uris: [],
      grant_types: ['client_credentials'],
      scope: 'admin',
    });
    adminToken = (await clientCredentials(adminClient).expect(200)).body.access_token;

    signedIn = t.browser();
    await authorize(
      signedIn,
      {
        response_type: 'code',
        client_id: partner.client_id,
        redirect_uri: REDIRECT,
        scope: codeFlow.scope,
        code_challenge: pkcePair().challenge,
        code_challenge_method: 'S256',
      },
      user,
    );
  });
  afterAll(() => t.close());

  const clientCredentials = (as: ClientWithSecret, body: Record<string, string> = {}) =>
    t
      .http()
      .post('/oauth/token')
      .set('Authorization', basicAuth(as.client_id, as.client_secret!))
      .type('form')
      .send({ grant_type: 'client_credentials', ...body });

  const post = (path: string, as: ClientWithSecret, body: Record<string, string> | string) =>
    t.http().post(path).set('Authorization', basicAuth(as.client_id, as.client_secret!)).type('form').send(body);

  const admin = (method: 'get' | 'post' | 'patch' | 'delete', path: string, token = adminToken) =>
    t.http()[method](path).set('Authorization', `Bearer ${token}`);

  /** A code for `as` through the signed-in browser (consent is asked and given when not remembered). */
  async function codeFor(
    as: ClientWithSecret = partner,
    overrides: Record<string, string | undefined> = {},
    browser = signedIn,
  ) {
    const pkce = pkcePair();
    const location = await authorize(
      browser,
      {
        response_type: 'code',
        client_id: as.client_id,
        redirect_uri: REDIRECT,
        scope: 'openid profile',
        state: 's',
        code_challenge: pkce.challenge,
        code_challenge_method: 'S256',
        ...overrides,
      },
      user,
    );
    const code = location.searchParams.get('code');
    if (!code) throw new Error(`expected a code, got ${location}`);
    return { code, verifier: pkce.verifier };
  }

  function exchange(
    code: string,
    verifier: string | undefined,
    as: ClientWithSecret = partner,
    extra: Record<string, string> = {},
  ) {
    const body: Record<string, string> = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, ...extra };
    if (verifier !== undefined) body.code_verifier = verifier;
    if (as.token_endpoint_auth_method === 'none')
      return t
        .http()
        .post('/oauth/token')
        .type('form')
        .send({ ...body, client_id: as.client_id });
    if (as.token_endpoint_auth_method === 'client_secret_post')
      return t
        .http()
        .post('/oauth/token')
        .type('form')
        .send({ ...body, client_id: as.client_id, client_secret: as.client_secret! });
    return post('/oauth/token', as, body);
  }

  async function tokensFor(as: ClientWithSecret = partner): Promise<Tokens> {
    const { code, verifier } = await codeFor(as);
    return (await exchange(code, verifier, as).expect(200)).body as Tokens;
  }

  const refresh = (token: string, as: ClientWithSecret = partner, extra: Record<string, string> = {}) =>
    post('/oauth/token', as, { grant_type: 'refresh_token', refresh_token: token, ...extra });

  async function isActive(token: string): Promise<boolean> {
    const res = await post('/oauth/introspect', resourceServer, { token }).expect(200);
    return res.body.active === true;
  }

  async function refreshTokenActive(token: string, as: ClientWithSecret = partner): Promise<boolean> {
    const res = await post('/oauth/introspect', as, { token, token_type_hint: 'refresh_token' }).expect(200);
    return res.body.active === true;
  }

  async function rows(table: 'authorization_codes' | 'grants' | 'refresh_tokens', clientId: string): Promise<number> {
    const [{ n }] = (await db.query(`SELECT COUNT(*) AS n FROM ${table} WHERE client_id = ?`, [clientId])) as {
      n: number | string;
    }[];
    return Number(n);
  }

  const baseQuery = (overrides: Record<string, string | undefined> = {}) => ({
    response_type: 'code',
    client_id: partner.client_id,
    redirect_uri: REDIRECT,
    scope: 'openid',
    state: 'st',
    code_challenge: pkcePair().challenge,
    code_challenge_method: 'S256',
    ...overrides,
  });

  describe('1. redirect_uri not exactly a registered one, or an unknown client_id: error page, no redirect, no code', () => {
    const variants: [string, string][] = [
      ['scheme in capitals', 'HTTPS://partner.example/callback'],
      ['host in another case', 'https://Partner.example/callback'],
      ['path in another case', 'https://partner.example/Callback'],
      ['http instead of https', 'http://partner.example/callback'],
      ['a trailing slash', `${REDIRECT}/`],
      ['an extra path segment', `${REDIRECT}/x`],
      ['a shorter path', 'https://partner.example/callbac'],
      ['a dot segment', 'https://partner.example/./callback'],
      ['a dot-dot segment', 'https://partner.example/x/../callback'],
      ['a double slash', 'https://partner.example//callback'],
      ['an empty query', `${REDIRECT}?`],
      ['an added query', `${REDIRECT}?next=https://evil.example`],
      ['an empty fragment', `${REDIRECT}#`],
      ['a fragment', `${REDIRECT}#x`],
      ['the default port spelled out', 'https://partner.example:443/callback'],
      ['another port', 'https://partner.example:8443/callback'],
      ['user information', 'https://user@partner.example/callback'],
      ['user information that names the real host', 'https://partner.example@evil.example/callback'],
      ['the real host as user information of another', 'https://partner.example:x@evil.example/callback'],
      ['a percent-encoded path character', 'https://partner.example/%63allback'],
      ['a percent-encoded dot in the host', 'https://partner%2Eexample/callback'],
      ['a percent-encoded slash', 'https://partner.example%2Fcallback'],
      ['a trailing dot in the host', 'https://partner.example./callback'],
      ['a Cyrillic look-alike letter in the host', 'https://pаrtner.example/callback'],
      ['the punycode of a look-alike host', 'https://xn--prtner-2nf.example/callback'],
      ['full-width letters', 'https://ｐartner.example/callback'],
      ['a leading space', ` ${REDIRECT}`],
      ['a trailing space', `${REDIRECT} `],
      ['a trailing tab', `${REDIRECT}\t`],
      ['a newline', `${REDIRECT}\n`],
      ['a trailing NUL', `${REDIRECT}\0`],
      ['a backslash', 'https://partner.example\\callback'],
      ['backslashes after the scheme', 'https:\\\\partner.example/callback'],
      ['a protocol-relative form', '//partner.example/callback'],
      ['no scheme', 'partner.example/callback'],
      ['another host', 'https://evil.example/callback'],
      ['javascript:', 'javascript:alert(1)'],
      ['an empty value', ''],
    ];

    it.each(variants)('%s', async (_, redirectUri) => {
      const codesBefore = await rows('authorization_codes', partner.client_id);
      for (const prompt of [undefined, 'none']) {
        // Anonymous, and signed in with consent given: a match would mean a code at once.
        for (const browser of [t.browser(), signedIn]) {
          const res = await browser.get(authorizeUrl(baseQuery({ redirect_uri: redirectUri, prompt })));
          expectErrorPage(res);
          expectCleanHeaders(res);
        }
      }
      expect(await rows('authorization_codes', partner.client_id)).toBe(codesBefore);
    });

    it.each<[string, () => Record<string, string | undefined>]>([
      ['an unknown client_id', () => ({ client_id: 'no-such-client' })],
      ['no client_id', () => ({ client_id: undefined })],
      ['an empty client_id', () => ({ client_id: '' })],
      ['the client_id in capitals', () => ({ client_id: partner.client_id.toUpperCase() })],
      ['the client_id with a trailing space', () => ({ client_id: `${partner.client_id} ` })],
      ['the client_id with a trailing NUL', () => ({ client_id: `${partner.client_id}\0` })],
      ['a client_id of SQL', () => ({ client_id: "' OR '1'='1" })],
      ['no redirect_uri when several are registered', () => ({ redirect_uri: undefined })],
    ])('%s, with and without prompt=none', async (_, overrides) => {
      for (const prompt of [undefined, 'none']) {
        expectErrorPage(await signedIn.get(authorizeUrl(baseQuery({ ...overrides(), prompt }))));
      }
    });
  });

  describe('2. loopback redirect URIs of native apps may differ only in port', () => {
    it.each([
      ['127.0.0.1 with a port', 'http://127.0.0.1:51234/cb'],
      ['127.0.0.1 with port 1', 'http://127.0.0.1:1/cb'],
      ['127.0.0.1 with port 65535', 'http://127.0.0.1:65535/cb'],
      ['127.0.0.1 as registered', LOOPBACK_V4],
      ['[::1] with a port', 'http://[::1]:51234/cb'],
      ['[::1] as registered', LOOPBACK_V6],
    ])('accepts %s, and sends the code there', async (_, redirectUri) => {
      const res = await signedIn.get(authorizeUrl(baseQuery({ redirect_uri: redirectUri }))).expect(303);
      expect(res.headers.location.startsWith(`${redirectUri}?`)).toBe(true);
      expect(new URL(res.headers.location).searchParams.get('code')).toEqual(expect.any(String));
    });

    it.each([
      ['a port beyond 65535', 'http://127.0.0.1:99999/cb'],
      ['an empty port', 'http://127.0.0.1:/cb'],
      ['another path', 'http://127.0.0.1:51234/other'],
      ['a trailing slash', 'http://127.0.0.1:51234/cb/'],
      ['an added query', 'http://127.0.0.1:51234/cb?x=1'],
      ['a fragment', 'http://127.0.0.1:51234/cb#x'],
      ['another loopback address', 'http://127.0.0.2:51234/cb'],
      ['a short form of 127.0.0.1', 'http://127.1:51234/cb'],
      ['a decimal form of 127.0.0.1', 'http://2130706433:51234/cb'],
      ['the long form of [::1]', 'http://[0:0:0:0:0:0:0:1]:51234/cb'],
      ['[::1] with another path', 'http://[::1]:51234/other'],
      ['https instead of http', 'https://127.0.0.1:51234/cb'],
      ['user information before another host', 'http://127.0.0.1:51234@evil.example/cb'],
      ['localhost with another port (a name, not a loopback address)', 'http://localhost:9090/cb'],
      ['localhost without its port', 'http://localhost/cb'],
      ['localhost with another path', 'http://localhost:8080/other'],
    ])('refuses %s with the error page', async (_, redirectUri) => {
      expectErrorPage(await signedIn.get(authorizeUrl(baseQuery({ redirect_uri: redirectUri }))));
    });

    it('keeps 127.0.0.1 and [::1] apart', async () => {
      const native = await t.createClient({
        name: 'IPv4 app',
        redirect_uris: [LOOPBACK_V4],
        token_endpoint_auth_method: 'none',
        ...codeFlow,
      });
      expectErrorPage(
        await signedIn.get(
          authorizeUrl(baseQuery({ client_id: native.client_id, redirect_uri: 'http://[::1]:51234/cb' })),
        ),
      );
      // The registered one with a port is accepted (the consent page: a public client is always asked).
      await signedIn
        .get(authorizeUrl(baseQuery({ client_id: native.client_id, redirect_uri: 'http://127.0.0.1:51234/cb' })))
        .expect(200);
    });
  });

  describe('3. valid redirect URI, other errors: redirect with the RFC error, the exact state and iss', () => {
    it.each<[string, Record<string, string | undefined>, string]>([
      ['missing response_type', { response_type: undefined }, 'invalid_request'],
      ['an empty response_type', { response_type: '' }, 'invalid_request'],
      ['an unsupported response_type', { response_type: 'device_code' }, 'unsupported_response_type'],
      ['a scope the client may not have', { scope: 'openid admin' }, 'invalid_scope'],
      ['a malformed scope (two spaces)', { scope: 'openid  profile' }, 'invalid_scope'],
      ['a scope with a quote', { scope: 'open"id' }, 'invalid_scope'],
      ['a PKCE challenge without its method', { code_challenge_method: undefined }, 'invalid_request'],
      ['a PKCE method without a challenge', { code_challenge: undefined }, 'invalid_request'],
      ['an unknown prompt', { prompt: 'select_everything' }, 'invalid_request'],
      ['prompt=none with another value', { prompt: 'none login' }, 'invalid_request'],
      ['a negative max_age', { max_age: '-1' }, 'invalid_request'],
      ['a state over 2048 characters', { state: 's'.repeat(2049) }, 'invalid_request'],
    ])('%s', async (_, overrides, error) => {
      const state = overrides.state ?? 'st';
      expectRedirectedError(await t.browser().get(authorizeUrl(baseQuery(overrides))), error, state);
    });

    it.each([['a b&c=d#e'], ['état ✓ 😀'], ['%41%'], ['"><script>alert(1)</script>'], ['x'.repeat(2048)]])(
      'echoes the state %p exactly',
      async (state) => {
        const res = await t.browser().get(authorizeUrl(baseQuery({ state, response_type: 'token' })));
        expectRedirectedError(res, 'unsupported_response_type', state);
        expectCleanHeaders(res);
      },
    );

    it('adds no state when the request had none', async () => {
      expectRedirectedError(
        await t.browser().get(authorizeUrl(baseQuery({ state: undefined, scope: 'admin' }))),
        'invalid_scope',
        null,
      );
    });

    it('keeps the query a redirect URI was registered with', async () => {
      const tenant = await t.createClient({ redirect_uris: ['https://partner.example/cb?tenant=a'], ...codeFlow });
      const res = await t
        .browser()
        .get(authorizeUrl(baseQuery({ client_id: tenant.client_id, redirect_uri: undefined, scope: 'admin' })))
        .expect(303);
      expect(res.headers.location.startsWith('https://partner.example/cb?tenant=a&')).toBe(true);
      expect(new URL(res.headers.location).searchParams.get('error')).toBe('invalid_scope');
    });

    it('answers a client not allowed the code grant with unauthorized_client', async () => {
      const machine = await t.createClient({
        redirect_uris: [REDIRECT],
        grant_types: ['client_credentials'],
        scope: 'openid',
      });
      expectRedirectedError(
        await t.browser().get(authorizeUrl(baseQuery({ client_id: machine.client_id }))),
        'unauthorized_client',
        'st',
      );
    });
  });

  describe('4. PKCE parameters: only S256 with a well-formed challenge; public clients must use it', () => {
    it.each<[string, Record<string, string | undefined>]>([
      ['plain', { code_challenge_method: 'plain' }],
      ['an unknown method', { code_challenge_method: 'S512' }],
      ['s256 in lower case', { code_challenge_method: 's256' }],
      ['an empty method', { code_challenge_method: '' }],
      ['a challenge of 42 characters', { code_challenge: 'a'.repeat(42) }],
      ['a challenge of 129 characters', { code_challenge: 'a'.repeat(129) }],
      ['a challenge with "+" (base64, not base64url)', { code_challenge: '+'.repeat(43) }],
      ['a challenge with padding', { code_challenge: `${'a'.repeat(42)}=` }],
      ['a challenge with a space', { code_challenge: `${'a'.repeat(21)} ${'a'.repeat(21)}` }],
      ['an empty challenge', { code_challenge: '' }],
    ])('refuses %s with invalid_request', async (_, overrides) => {
      expectRedirectedError(await t.browser().get(authorizeUrl(baseQuery(overrides))), 'invalid_request', 'st');
    });

    it('refuses a public client without a challenge, and with plain', async () => {
      expectRedirectedError(
        await t.browser().get(
          authorizeUrl(
            baseQuery({
              client_id: publicClient.client_id,
              redirect_uri: REDIRECT,
              code_challenge: undefined,
              code_challenge_method: undefined,
            }),
          ),
        ),
        'invalid_request',
        'st',
      );
      expectRedirectedError(
        await t
          .browser()
          .get(authorizeUrl(baseQuery({ client_id: publicClient.client_id, code_challenge_method: 'plain' }))),
        'invalid_request',
        'st',
      );
    });

    it.each([[43], [128]])('accepts an S256 challenge of %i characters', async (length) => {
      const res = await t
        .browser()
        .get(authorizeUrl(baseQuery({ code_challenge: 'A'.repeat(length) })))
        .expect(303);
      expect(res.headers.location).toMatch(/^\/login\?/);
    });
  });

  describe('5. implicit and hybrid response types: unsupported_response_type', () => {
    it.each([
      ['token'],
      ['id_token'],
      ['id_token token'],
      ['code token'],
      ['code id_token'],
      ['code id_token token'],
      ['none'],
      ['CODE'],
      ['code '],
      ['token code'],
    ])('%p, in the query and never in a fragment, also with prompt=none', async (responseType) => {
      for (const prompt of [undefined, 'none']) {
        const location = expectRedirectedError(
          await signedIn.get(authorizeUrl(baseQuery({ response_type: responseType, prompt }))),
          'unsupported_response_type',
          'st',
        );
        expect(location.hash).toBe('');
      }
    });
  });

  describe('6. a return address after login only points into the provider', () => {
    it.each([
      ['https://evil.example/'],
      ['//evil.example'],
      ['/\\evil.example'],
      ['javascript:alert(1)'],
      ['/.//evil.example'],
      ['/\r\nLocation: https://evil.example'],
    ])('sends a login with return_to %p to /', async (returnTo) => {
      expect(await signIn(t.browser(), user.username, user.password, returnTo)).toBe('/');
    });

    it('sends the browser from the authorization endpoint to the login page with a return address inside the provider', async () => {
      const res = await t.browser().get(authorizeUrl(baseQuery())).expect(303);
      const returnTo = new URL(res.headers.location, ISSUER).searchParams.get('return_to')!;
      expect(res.headers.location.startsWith('/login?return_to=')).toBe(true);
      expect(returnTo.startsWith('/oauth/authorize?')).toBe(true);
    });

    it('refuses a post-logout redirect URI that is not registered, with the error page', async () => {
      const res = await t
        .browser()
        .get(
          `/logout?client_id=${partner.client_id}&post_logout_redirect_uri=${encodeURIComponent('https://evil.example/')}`,
        );
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
    });
  });

  describe('7. a code redeemed twice: invalid_grant, and the tokens of the first redemption are revoked', () => {
    it.each([
      ['a confidential client', () => partner],
      ['a public client', () => publicClient],
    ])('%s', async (_, client) => {
      const { code, verifier } = await codeFor(client());
      const first = (await exchange(code, verifier, client()).expect(200)).body as Tokens;
      expect(await isActive(first.access_token)).toBe(true);
      expectJsonError(await exchange(code, verifier, client()), 400, 'invalid_grant');
      expect(await isActive(first.access_token)).toBe(false);
      const again =
        client() === publicClient
          ? t.http().post('/oauth/token').type('form').send({
              grant_type: 'refresh_token',
              refresh_token: first.refresh_token,
              client_id: publicClient.client_id,
            })
          : refresh(first.refresh_token, client());
      expectJsonError(await again, 400, 'invalid_grant');
      await t.http().get('/oauth/userinfo').set('Authorization', `Bearer ${first.access_token}`).expect(401);
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
      for (const client of [partner, publicClient]) {
        const { code, verifier } = await codeFor(client);
        expectJsonError(await exchange(code, verifierFor(verifier), client), 400, 'invalid_grant');
      }
    });

    it('a code made with a challenge, the challenge itself as verifier (plain)', async () => {
      const pkce = pkcePair();
      const { code } = await codeFor(partner, { code_challenge: pkce.challenge });
      expectJsonError(await exchange(code, pkce.challenge, partner), 400, 'invalid_grant');
    });

    it('a code made without a challenge (a client registered without PKCE), with a verifier', async () => {
      const legacy = await t.createClient({
        name: 'Legacy',
        redirect_uris: [REDIRECT],
        ...codeFlow,
        require_pkce: false,
      });
      const { code } = await codeFor(legacy, { code_challenge: undefined, code_challenge_method: undefined });
      expectJsonError(await exchange(code, pkcePair().verifier, legacy), 400, 'invalid_grant');
    });
  });

  describe('9. another client’s code, or a redirect_uri missing or different: invalid_grant', () => {
    it('another client’s code, with its own valid verifier', async () => {
      const { code, verifier } = await codeFor(partner);
      expectJsonError(await exchange(code, verifier, other), 400, 'invalid_grant');
    });

    it.each<[string, string | undefined]>([
      ['missing', undefined],
      ['another registered URI', 'https://partner.example/other'],
      ['in another case', 'https://Partner.example/callback'],
      ['with a trailing slash', `${REDIRECT}/`],
      ['with a query', `${REDIRECT}?a=1`],
    ])('a redirect_uri %s', async (_, redirectUri) => {
      const { code, verifier } = await codeFor(partner);
      const body: Record<string, string> = { grant_type: 'authorization_code', code, code_verifier: verifier };
      if (redirectUri !== undefined) body.redirect_uri = redirectUri;
      expectJsonError(await post('/oauth/token', partner, body), 400, 'invalid_grant');
    });

    it('a redirect_uri sent at the token endpoint when the authorization request used the only registered one implicitly and it differs', async () => {
      const single = await t.createClient({ redirect_uris: ['https://single.example/cb'], ...codeFlow });
      const { code, verifier } = await codeFor(single, { redirect_uri: undefined });
      expectJsonError(
        await exchange(code, verifier, single, { redirect_uri: 'https://single.example/other' }),
        400,
        'invalid_grant',
      );
    });
  });

  describe('10. an expired code: invalid_grant', () => {
    it('refuses a code past its expiry', async () => {
      const { code, verifier } = await codeFor(partner);
      await db
        .getRepository(AuthorizationCodeEntity)
        .update({ codeHash: sha256(code) }, { expiresAt: new Date(Date.now() - 1000) });
      expectJsonError(await exchange(code, verifier), 400, 'invalid_grant');
    });
  });

  describe('11. client authentication: wrong, empty or another client’s secret; two methods; the query string', () => {
    const endpoints: [string, () => Record<string, string>][] = [
      ['/oauth/token', () => ({ grant_type: 'client_credentials' })],
      ['/oauth/revoke', () => ({ token: 'x' })],
      ['/oauth/introspect', () => ({ token: 'x' })],
    ];

    it.each(endpoints)('%s: 401 invalid_client with a Basic challenge for a bad Basic secret', async (path, body) => {
      for (const [id, secret] of [
        [partner.client_id, 'wrong'],
        [partner.client_id, ''],
        [partner.client_id, other.client_secret!],
        [partner.client_id, `${partner.client_secret} `],
        [partner.client_id, partner.client_secret!.toUpperCase()],
        ['no-such-client', partner.client_secret!],
        [partner.client_id.toUpperCase(), partner.client_secret!],
        [`${partner.client_id} `, partner.client_secret!],
      ]) {
        const res = await t.http().post(path).set('Authorization', basicAuth(id, secret)).type('form').send(body());
        expectJsonError(res, 401, 'invalid_client');
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
          const req = t.http().post(path).type('form');
          if (header) req.set('Authorization', header);
          const res = await req.send(body());
          expectJsonError(res, 401, 'invalid_client');
          expect(res.headers['www-authenticate']).toMatch(/^Basic /);
        }
      },
    );

    it.each(endpoints)('%s: 401 invalid_client for a bad client_secret_post secret', async (path, body) => {
      for (const secret of ['wrong', '', other.client_secret!]) {
        expectJsonError(
          await t
            .http()
            .post(path)
            .type('form')
            .send({ ...body(), client_id: postClient.client_id, client_secret: secret }),
          401,
          'invalid_client',
        );
      }
    });

    it.each(endpoints)(
      '%s: invalid_request for credentials in both the Authorization header and the body',
      async (path, body) => {
        const res = await t
          .http()
          .post(path)
          .set('Authorization', basicAuth(partner.client_id, partner.client_secret!))
          .type('form')
          .send({ ...body(), client_id: partner.client_id, client_secret: partner.client_secret! });
        expectJsonError(res, 400, 'invalid_request');
      },
    );

    it.each(endpoints)('%s: refuses credentials in the query string', async (path, body) => {
      for (const query of [
        `client_id=${postClient.client_id}&client_secret=${postClient.client_secret}`,
        `client_secret=${postClient.client_secret}`,
        `client_id=${postClient.client_id}`,
      ]) {
        const res = await t
          .http()
          .post(`${path}?${query}`)
          .type('form')
          .send({ ...body(), client_id: postClient.client_id, client_secret: postClient.client_secret! });
        expectJsonError(res, 400, 'invalid_request');
      }
      const basicToo = await t
        .http()
        .post(`${path}?client_secret=${partner.client_secret}`)
        .set('Authorization', basicAuth(partner.client_id, partner.client_secret!))
        .type('form')
        .send(body());
      expectJsonError(basicToo, 400, 'invalid_request');
    });

    it('a failed client authentication does not spend the code', async () => {
      const { code, verifier } = await codeFor(partner);
      expectJsonError(await exchange(code, verifier, { ...partner, client_secret: 'wrong' }), 401, 'invalid_client');
      await exchange(code, verifier).expect(200);
    });
  });

  describe('12. client_credentials only for confidential clients allowed it, never with a refresh token; unknown grants refused', () => {
    it('refuses a public client with unauthorized_client', async () => {
      expectJsonError(
        await t
          .http()
          .post('/oauth/token')
          .type('form')
          .send({ grant_type: 'client_credentials', client_id: publicClient.client_id }),
        400,
        'unauthorized_client',
      );
    });

    it('refuses a confidential client not allowed the grant with unauthorized_client', async () => {
      expectJsonError(await clientCredentials(partner), 400, 'unauthorized_client');
    });

    it('never returns a refresh token, even to a client allowed refresh_token and offline_access', async () => {
      const res = await clientCredentials(service, { scope: 'api offline_access' }).expect(200);
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
      const res = await post('/oauth/token', partner, {
        grant_type: grantType,
        username: user.username,
        password: user.password,
      });
      expectJsonError(res, 400, 'unsupported_grant_type');
    });
  });

  describe('13. only POST at the token endpoint; Cache-Control: no-store on every answer', () => {
    it.each([['get'], ['put'], ['patch'], ['delete'], ['options']] as const)(
      '%s is 405 with Allow: POST',
      async (method) => {
        const res = await t.http()[method]('/oauth/token');
        expectJsonError(res, 405, 'invalid_request');
        expect(res.headers.allow).toBe('POST');
      },
    );

    it.each([['/oauth/revoke'], ['/oauth/introspect']])('%s too takes POST only', async (path) => {
      const res = await t.http().get(path);
      expectJsonError(res, 405, 'invalid_request');
      expect(res.headers.allow).toBe('POST');
    });

    it('a path that exists names its methods; one that does not stays 404', async () => {
      const jwks = await t.http().post('/oauth/jwks');
      expectJsonError(jwks, 405, 'invalid_request');
      expect(jwks.headers.allow).toBe('GET, HEAD');
      expectJsonError(await t.http().post('/oauth/nothing-here'), 404, 'not_found');
    });

    it('so does a path with a parameter in it', async () => {
      const client = await t.http().put('/admin/clients/any-id');
      expectJsonError(client, 405, 'invalid_request');
      expect(client.headers.allow).toBe('GET, HEAD, PATCH, DELETE');
      const secret = await t.http().get('/admin/clients/any-id/secret');
      expectJsonError(secret, 405, 'invalid_request');
      expect(secret.headers.allow).toBe('POST');
      expectJsonError(await t.http().get('/admin/clients/any-id/nothing-here'), 404, 'not_found');
    });

    it('HEAD is 405 with no-store', async () => {
      const res = await t.http().head('/oauth/token');
      expect(res.status).toBe(405);
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('every success and every error of the token endpoint carries no-store', async () => {
      const { code, verifier } = await codeFor(partner);
      const answers: Response[] = [
        await exchange(code, verifier).expect(200),
        await clientCredentials(service).expect(200),
        await post('/oauth/token', partner, { grant_type: 'password' }),
        await post('/oauth/token', { ...partner, client_secret: 'x' }, { grant_type: 'client_credentials' }),
        await t.http().post('/oauth/token').send({ grant_type: 'client_credentials' }),
        await t.http().post('/oauth/token').set('Content-Type', 'application/xml').send('<x/>'),
        await post('/oauth/token', partner, `grant_type=${'a'.repeat(100 * 1024)}`),
        await t.http().post('/oauth/token').set('Content-Type', 'application/json').send('{bad'),
      ];
      const tokens = answers[0].body as Tokens;
      answers.push(await refresh(tokens.refresh_token).expect(200));
      expect(answers.map((r) => r.status)).toEqual([200, 200, 400, 401, 400, 415, 413, 400, 200]);
      for (const res of answers) expect(res.headers['cache-control']).toBe('no-store');
    });
  });

  describe('14. a rotated refresh token presented again: invalid_grant, and every token of the grant is revoked', () => {
    it('revokes both generations of access tokens and the newest refresh token', async () => {
      const first = await tokensFor();
      const second = (await refresh(first.refresh_token).expect(200)).body as Tokens;
      const third = (await refresh(second.refresh_token).expect(200)).body as Tokens;
      expect(await isActive(third.access_token)).toBe(true);
      expectJsonError(await refresh(first.refresh_token), 400, 'invalid_grant');
      for (const token of [first, second, third]) expect(await isActive(token.access_token)).toBe(false);
      expectJsonError(await refresh(third.refresh_token), 400, 'invalid_grant');
      await t.http().get('/oauth/userinfo').set('Authorization', `Bearer ${third.access_token}`).expect(401);
    });
  });

  describe('15. another client’s refresh token: invalid_grant; a wider scope: invalid_scope', () => {
    it('refuses another client’s refresh token without spending it', async () => {
      const tokens = await tokensFor();
      expectJsonError(await refresh(tokens.refresh_token, other), 400, 'invalid_grant');
      expect(await refreshTokenActive(tokens.refresh_token)).toBe(true);
      await refresh(tokens.refresh_token).expect(200);
    });

    it.each([['openid profile email offline_access'], ['openid admin'], ['api'], ['openid  profile'], ['']])(
      'refuses scope %p beyond or outside the grant with invalid_scope',
      async (scope) => {
        const tokens = await tokensFor();
        expectJsonError(await refresh(tokens.refresh_token, partner, { scope }), 400, 'invalid_scope');
        expect(await refreshTokenActive(tokens.refresh_token)).toBe(true);
      },
    );
  });

  describe('16. a client revoking another client’s token changes nothing; unknown tokens: 200', () => {
    it('leaves the other client’s access and refresh tokens alive, whatever the hint', async () => {
      const tokens = await tokensFor();
      for (const hint of [undefined, 'access_token', 'refresh_token']) {
        for (const token of [tokens.access_token, tokens.refresh_token, tokens.id_token]) {
          const res = await post('/oauth/revoke', other, hint ? { token, token_type_hint: hint } : { token }).expect(
            200,
          );
          expect(res.text).toBe('');
        }
      }
      expect(await isActive(tokens.access_token)).toBe(true);
      expect(await refreshTokenActive(tokens.refresh_token)).toBe(true);
    });

    it.each([
      ['no-such-token'],
      [''],
      ['a.b.c'],
      ['"><script>'],
      [forgedJwt({ alg: 'none', typ: 'at+jwt', kid: 'x' }, { jti: 'x' })],
    ])('answers 200 for the unknown token %p', async (token) => {
      const res = await post('/oauth/revoke', partner, { token }).expect(200);
      expect(res.text).toBe('');
    });
  });

  describe('17. introspection: 401 without client authentication; dead or garbage tokens are {"active": false} and nothing more', () => {
    it('requires a confidential client’s authentication', async () => {
      const tokens = await tokensFor();
      expectJsonError(
        await t.http().post('/oauth/introspect').type('form').send({ token: tokens.access_token }),
        401,
        'invalid_client',
      );
      expectJsonError(
        await t
          .http()
          .post('/oauth/introspect')
          .type('form')
          .send({ token: tokens.access_token, client_id: publicClient.client_id }),
        401,
        'invalid_client',
      );
      expectJsonError(
        await post('/oauth/introspect', { ...resourceServer, client_secret: 'wrong' }, { token: tokens.access_token }),
        401,
        'invalid_client',
      );
    });

    it('answers dead tokens of every kind with exactly {"active": false}', async () => {
      const revoked = await tokensFor();
      await post('/oauth/revoke', partner, { token: revoked.access_token }).expect(200);
      const rotated = await tokensFor();
      await refresh(rotated.refresh_token).expect(200);
      const orphan = await t.createClient({ redirect_uris: [REDIRECT], ...codeFlow });
      const ofDeleted = await tokensFor(orphan);
      await admin('delete', `/admin/clients/${orphan.client_id}`).expect(204);
      const live = await tokensFor();
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
        for (const as of [resourceServer, partner]) {
          const res = await post('/oauth/introspect', as, { token }).expect(200);
          expect(res.headers['cache-control']).toBe('no-store');
          expect(res.body).toEqual({ active: false });
        }
      }
    });
  });

  describe('18. a database failure during revocation is an error, never a 200', () => {
    afterEach(() => jest.restoreAllMocks());

    it('of an access token', async () => {
      const tokens = await tokensFor();
      failNextWrite(db, 'revoked_access_tokens');
      const res = await post('/oauth/revoke', partner, { token: tokens.access_token });
      expect(res.status).toBeGreaterThanOrEqual(500);
      expect(res.body).toEqual({ error: expect.any(String), error_description: expect.any(String) });
      expect(res.text).not.toContain('connection lost');
      // The client, told it failed, tries again and succeeds.
      await post('/oauth/revoke', partner, { token: tokens.access_token }).expect(200);
      expect(await isActive(tokens.access_token)).toBe(false);
    });

    it('of a refresh token', async () => {
      const tokens = await tokensFor();
      failNextWrite(db, 'grants');
      const res = await post('/oauth/revoke', partner, { token: tokens.refresh_token });
      expect(res.status).toBeGreaterThanOrEqual(500);
      expect(res.body).toEqual({ error: expect.any(String), error_description: expect.any(String) });
      await post('/oauth/revoke', partner, { token: tokens.refresh_token }).expect(200);
      expect(await refreshTokenActive(tokens.refresh_token)).toBe(false);
    });
  });

  describe('19. login, consent and logout POSTs need the session’s CSRF token; a GET never grants consent', () => {
    async function consentForm(): Promise<{ browser: TestAgent; fields: Record<string, string> }> {
      const browser = t.browser();
      await signIn(browser, user.username, user.password);
      const page = await browser.get(authorizeUrl(baseQuery({ prompt: 'consent' }))).expect(200);
      return { browser, fields: hiddenFields(page.text) };
    }

    it('refuses a consent POST without, with an empty, or with another session’s token: 403 and no code', async () => {
      const before = await rows('authorization_codes', partner.client_id);
      const attacker = await consentForm();
      const { browser, fields } = await consentForm();
      const { _csrf, ...rest } = fields;
      expect(_csrf).toBeTruthy();
      for (const token of [undefined, '', attacker.fields._csrf, `${_csrf}x`]) {
        const res = await browser
          .post('/oauth/authorize')
          .type('form')
          .send({ ...rest, ...(token === undefined ? {} : { _csrf: token }), decision: 'allow' });
        expect(res.status).toBe(403);
        expect(res.headers.location).toBeUndefined();
      }
      expect(await rows('authorization_codes', partner.client_id)).toBe(before);
    });

    it('never grants consent on a GET', async () => {
      const fresh = await t.createClient({ redirect_uris: [REDIRECT], ...codeFlow });
      const res = await signedIn
        .get(authorizeUrl(baseQuery({ client_id: fresh.client_id, decision: 'allow', _csrf: 'x' })))
        .expect(200);
      expect(res.text).toMatch(/>Allow</);
      expect(await rows('authorization_codes', fresh.client_id)).toBe(0);
    });

    it('refuses a login and a logout without the token with 403', async () => {
      await t.http().post('/login').type('form').send({ username: user.username, password: user.password }).expect(403);
      const browser = t.browser();
      await signIn(browser, user.username, user.password);
      await browser.post('/logout').type('form').send({}).expect(403);
      await browser.get('/').expect(200);
    });
  });

  describe('20. the session id changes at login and the old one is dead; logout kills the session on the server', () => {
    it('regenerates at login and destroys at logout', async () => {
      const browser = t.browser();
      const signIn = async () => {
        const page = await browser.get('/login').expect(200);
        const login = await browser
          .post('/login')
          .type('form')
          .send({ ...hiddenFields(page.text), username: user.username, password: user.password })
          .expect(303);
        return sidOf(login)!;
      };
      const before = await signIn();
      const after = await signIn();
      expect(after).not.toBe(before);
      await t.http().get('/').set('Cookie', `sid=${before}`).expect(303);
      const home = await t.http().get('/').set('Cookie', `sid=${after}`).expect(200);
      await t
        .http()
        .post('/logout')
        .set('Cookie', [`sid=${after}`, ...cookiesOf(home)])
        .type('form')
        .send({ _csrf: hiddenFields(home.text)._csrf })
        .expect(303);
      await t.http().get('/').set('Cookie', `sid=${after}`).expect(303);
    });
  });

  describe('21. login, consent and error pages cannot be framed', () => {
    it('sends frame-ancestors none and X-Frame-Options DENY', async () => {
      const pages = [
        await t.http().get('/login').expect(200),
        await signedIn.get(authorizeUrl(baseQuery({ prompt: 'consent' }))).expect(200),
        await t
          .http()
          .get(authorizeUrl(baseQuery({ client_id: 'nope' })))
          .expect(400),
      ];
      for (const res of pages) {
        expect(res.headers['content-security-policy']).toMatch(/(^|;)\s*frame-ancestors 'none'\s*(;|$)/);
        expect(res.headers['x-frame-options']).toBe('DENY');
      }
    });
  });

  describe('23. password guessing is throttled', () => {
    // Covered by test/brute-force.e2e-spec.ts (throttling and per-username back-off).
  });

  describe('24. client names and everything else echoed into a page are HTML-escaped', () => {
    it('escapes the client name, scope names and request values on the consent page, and client_id on the error page', async () => {
      const evil = await t.createClient({
        name: '<script>alert(1)</script>',
        redirect_uris: [REDIRECT],
        grant_types: ['authorization_code'],
        scope: 'openid <img/src=x/onerror=alert(2)>',
      });
      const page = await signedIn
        .get(
          authorizeUrl(
            baseQuery({
              client_id: evil.client_id,
              scope: 'openid <img/src=x/onerror=alert(2)>',
              state: '"><script>alert(3)</script>',
              nonce: "'><svg onload=alert(4)>",
            }),
          ),
        )
        .expect(200);
      expect(page.text).not.toMatch(/<script>alert|<img\/src|<svg/);
      expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(hiddenFields(page.text).state).toBe('"><script>alert(3)</script>');
      const error = await t
        .http()
        .get(authorizeUrl(baseQuery({ client_id: '<script>alert(5)</script>' })))
        .expect(400);
      expect(error.text).not.toContain('<script>alert');
    });

    it('escapes a username on the signed-in page and return_to on the login page', async () => {
      const odd = await t.createUser({ username: `<b>${uniqueName('u')}</b>` });
      const browser = t.browser();
      await signIn(browser, odd.username, odd.password);
      expect((await browser.get('/').expect(200)).text).not.toContain('<b>');
      const login = await t
        .http()
        .get(`/login?return_to=${encodeURIComponent('/x"><script>alert(1)</script>')}`)
        .expect(200);
      expect(login.text).not.toContain('<script>alert');
    });
  });

  describe('25. a public client’s earlier consent is not reused silently', () => {
    it('asks again, and prompt=none gets consent_required', async () => {
      await codeFor(publicClient);
      await signedIn.get(authorizeUrl(baseQuery({ client_id: publicClient.client_id }))).expect(200);
      expectRedirectedError(
        await signedIn.get(authorizeUrl(baseQuery({ client_id: publicClient.client_id, prompt: 'none' }))),
        'consent_required',
        'st',
      );
    });
  });

  describe('26. every admin route and method: 401 without a token, 403 without the admin scope', () => {
    const routes = (id: string): ['get' | 'post' | 'patch' | 'delete', string][] => [
      ['post', '/admin/clients'],
      ['get', '/admin/clients'],
      ['get', `/admin/clients/${id}`],
      ['patch', `/admin/clients/${id}`],
      ['delete', `/admin/clients/${id}`],
      ['post', `/admin/clients/${id}/secret`],
    ];

    it('refuses each without a token (401) and with a user or service token lacking admin (403)', async () => {
      const userToken = (await tokensFor()).access_token;
      const serviceToken = (await clientCredentials(service).expect(200)).body.access_token as string;
      for (const [method, path] of routes(partner.client_id)) {
        const anonymous = await t.http()[method](path).send({ name: 'x' });
        expectJsonError(anonymous, 401, 'invalid_token');
        expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer /);
        for (const token of [userToken, serviceToken]) {
          const res = await admin(method, path, token).send({ name: 'x' });
          expectJsonError(res, 403, 'insufficient_scope');
          expect(res.headers['www-authenticate']).toMatch(/error="insufficient_scope"/);
        }
      }
      await admin('get', `/admin/clients/${partner.client_id}`).expect(200);
    });

    it('does not hand the admin scope to a user who is not an administrator', async () => {
      const console = await t.createClient({
        redirect_uris: [REDIRECT],
        grant_types: ['authorization_code'],
        scope: 'openid admin',
      });
      const { code, verifier } = await codeFor(console, { scope: 'openid admin' });
      const tokens = (await exchange(code, verifier, console).expect(200)).body as Tokens;
      expect(tokens.scope.split(' ')).not.toContain('admin');
      expectJsonError(await admin('get', '/admin/clients', tokens.access_token), 403, 'insufficient_scope');
    });
  });

  describe('27. a secret is shown once, at creation or rotation; nothing ever shows it or its hash', () => {
    it('shows it at creation and rotation only, and the old one stops working', async () => {
      const created = await admin('post', '/admin/clients')
        .send({ name: 'Once', grant_types: ['client_credentials'], scope: 'api' })
        .expect(201);
      const { client_id: id, client_secret: first } = created.body as { client_id: string; client_secret: string };
      expect(first).toEqual(expect.any(String));
      const reads = [
        await admin('get', `/admin/clients/${id}`).expect(200),
        await admin('get', '/admin/clients?limit=100').expect(200),
        await admin('patch', `/admin/clients/${id}`).send({ name: 'Once renamed' }).expect(200),
      ];
      const rotated = await admin('post', `/admin/clients/${id}/secret`).expect(201);
      const second = rotated.body.client_secret as string;
      expect(second).toEqual(expect.any(String));
      expect(second).not.toBe(first);
      reads.push(await admin('get', `/admin/clients/${id}`).expect(200));
      for (const res of reads) {
        for (const secret of [first, second]) {
          expect(res.text).not.toContain(secret);
          expect(res.text).not.toContain(sha256(secret));
        }
        expect(res.text).not.toMatch(/secret_hash|secretHash|"client_secret"/);
      }
      const asClient = (secret: string) =>
        t
          .http()
          .post('/oauth/token')
          .set('Authorization', basicAuth(id, secret))
          .type('form')
          .send({ grant_type: 'client_credentials' });
      expectJsonError(await asClient(first), 401, 'invalid_client');
      await asClient(second).expect(200);
    });
  });

  describe('28. bad registrations are refused with 400', () => {
    it.each([
      ['a wildcard in the host', 'https://*.partner.example/cb'],
      ['a wildcard in the path', 'https://partner.example/*'],
      ['a fragment', 'https://partner.example/cb#x'],
      ['an empty fragment', 'https://partner.example/cb#'],
      ['javascript:', 'javascript:alert(1)'],
      ['JavaScript: in mixed case', 'JaVaScRiPt:alert(1)'],
      ['javascript: after a space', ' javascript:alert(1)'],
      ['javascript: with a tab inside', 'java\tscript:alert(1)'],
      ['data:', 'data:text/html,<script>alert(1)</script>'],
      ['DATA: in capitals', 'DATA:text/html,x'],
      ['vbscript:', 'vbscript:msgbox(1)'],
      ['file:', 'file:///etc/passwd'],
      ['plain http to another host', 'http://partner.example/cb'],
      ['plain http to a host that starts like localhost', 'http://localhost.evil.example/cb'],
      ['plain http to a host that starts like 127.0.0.1', 'http://127.0.0.1.evil.example/cb'],
      ['plain http through user information', 'http://127.0.0.1@evil.example/cb'],
      ['a relative URI', '/callback'],
      ['an empty string', ''],
      ['a custom scheme not in reverse-domain form', 'myapp:/cb'],
    ])('a redirect URI with %s: invalid_redirect_uri, at registration and in a PATCH', async (_, uri) => {
      expectJsonError(
        await admin('post', '/admin/clients').send({ name: 'Bad', redirect_uris: [uri] }),
        400,
        'invalid_redirect_uri',
      );
      expectJsonError(
        await admin('patch', `/admin/clients/${other.client_id}`).send({ redirect_uris: [uri] }),
        400,
        'invalid_redirect_uri',
      );
      expectJsonError(
        await admin('post', '/admin/clients').send({
          name: 'Bad',
          redirect_uris: [REDIRECT],
          post_logout_redirect_uris: [uri],
        }),
        400,
        'invalid_redirect_uri',
      );
    });

    it.each<[string, Record<string, unknown>]>([
      ['an unknown grant type', { grant_types: ['implicit'] }],
      ['the password grant', { grant_types: ['password'] }],
      ['a grant type URN', { grant_types: ['urn:ietf:params:oauth:grant-type:device_code'] }],
      ['no grant types', { grant_types: [] }],
      ['grant_types as a string', { grant_types: 'authorization_code' }],
      ['redirect_uris as a string', { redirect_uris: REDIRECT }],
      ['a redirect URI that is not a string', { redirect_uris: [{ href: REDIRECT }] }],
      ['an unknown auth method', { token_endpoint_auth_method: 'private_key_jwt' }],
      [
        'a public client with client_credentials',
        { token_endpoint_auth_method: 'none', grant_types: ['client_credentials'] },
      ],
      ['a name with a control character', { name: 'a\u0007b' }],
      ['a name too long', { name: 'n'.repeat(256) }],
      ['a name that is an object', { name: { $ne: null } }],
      ['a malformed scope', { scope: 'openid  profile' }],
      ['the client_id', { client_id: 'chosen' }],
      ['the client_secret', { client_secret: 'chosen' }],
      ['a secret hash', { secret_hash: '0'.repeat(64) }],
      ['the issue time', { client_id_issued_at: 0 }],
      ['an unknown field', { is_admin: true }],
      ['a prototype key', JSON.parse('{"__proto__": {"isPublic": true}}') as Record<string, unknown>],
    ])('%s: 400 invalid_client_metadata or invalid_request', async (_, fields) => {
      const res = await admin('post', '/admin/clients').send({ name: 'Bad', redirect_uris: [REDIRECT], ...fields });
      expect(res.status).toBe(400);
      expect(['invalid_client_metadata', 'invalid_request']).toContain(res.body.error);
      const patch = await admin('patch', `/admin/clients/${other.client_id}`).send(fields);
      expect(patch.status).toBe(400);
    });

    it('left the client the PATCHes aimed at as it was', async () => {
      const res = await admin('get', `/admin/clients/${other.client_id}`).expect(200);
      expect(res.body).toMatchObject({
        name: 'Other partner',
        redirect_uris: [REDIRECT],
        grant_types: codeFlow.grant_types,
        token_endpoint_auth_method: 'client_secret_basic',
      });
    });
  });

  describe('29. deleting a client kills its codes and tokens at once', () => {
    it('leaves nothing of it working and nothing of it stored', async () => {
      const doomed = await t.createClient({
        redirect_uris: [REDIRECT],
        grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
        scope: 'openid profile offline_access',
      });
      const tokens = await tokensFor(doomed);
      const unused = await codeFor(doomed);
      const machineToken = (await clientCredentials(doomed).expect(200)).body.access_token as string;
      await admin('delete', `/admin/clients/${doomed.client_id}`).expect(204);

      expect(await isActive(tokens.access_token)).toBe(false);
      expect(await isActive(machineToken)).toBe(false);
      await t.http().get('/oauth/userinfo').set('Authorization', `Bearer ${tokens.access_token}`).expect(401);
      expectJsonError(await refresh(tokens.refresh_token, doomed), 401, 'invalid_client');
      expectJsonError(await exchange(unused.code, unused.verifier, doomed), 401, 'invalid_client');
      for (const table of ['authorization_codes', 'grants', 'refresh_tokens'] as const)
        expect(await rows(table, doomed.client_id)).toBe(0);
    });

    it('deletes nothing for an id that is the real one in another case or with a trailing space', async () => {
      for (const id of [partner.client_id.toUpperCase(), partner.client_id.toLowerCase(), `${partner.client_id} `]) {
        if (id === partner.client_id) continue;
        expectJsonError(await admin('delete', `/admin/clients/${encodeURIComponent(id)}`), 404, 'not_found');
        expectJsonError(await admin('post', `/admin/clients/${encodeURIComponent(id)}/secret`), 404, 'not_found');
      }
      await admin('get', `/admin/clients/${partner.client_id}`).expect(200);
    });
  });

  describe('30. oversized parameters and bodies: a fast 400, 413 or 414, never a 500', () => {
    async function timed(request: () => Promise<Response>): Promise<Response> {
      const started = Date.now();
      const res = await request();
      expect(Date.now() - started).toBeLessThan(FAST_MS);
      expect(res.status).toBeLessThan(500);
      return res;
    }

    it.each([['/oauth/token'], ['/oauth/revoke'], ['/oauth/introspect']])('%s: a 100 KB body is 413', async (path) => {
      for (const body of [
        `token=${'a'.repeat(100 * 1024)}`,
        `client_id=${'a'.repeat(100 * 1024)}&grant_type=client_credentials`,
      ]) {
        expectJsonError(await timed(() => post(path, partner, body)), 413, 'invalid_request');
      }
    });

    it('the admin API: a 100 KB body is 413', async () => {
      expectJsonError(
        await timed(() => admin('post', '/admin/clients').send({ name: 'x'.repeat(100 * 1024) })),
        413,
        'invalid_request',
      );
    });

    it('a 1 MB query string and a 100 KB client_id at the authorization endpoint are 414', async () => {
      for (const query of [
        `client_id=${partner.client_id}&state=${'s'.repeat(1024 * 1024)}`,
        `client_id=${'a'.repeat(100 * 1024)}&response_type=code`,
      ]) {
        expectJsonError(await timed(() => t.http().get(`/oauth/authorize?${query}`)), 414, 'invalid_request');
      }
    });

    it('a 100 KB Authorization header is refused (431, the status for headers)', async () => {
      const res = await timed(() =>
        t
          .http()
          .post('/oauth/token')
          .set('Authorization', basicAuth('a'.repeat(100 * 1024), 'x'))
          .type('form')
          .send({ grant_type: 'client_credentials' }),
      );
      expectJsonError(res, 431, 'invalid_request');
    });

    it('a path parameter longer than the router takes is 414', async () => {
      expectJsonError(await timed(() => admin('get', `/admin/clients/${'a'.repeat(1000)}`)), 414, 'invalid_request');
    });

    it('long values within the size limits are refused as they should be, quickly', async () => {
      expectErrorPage(await timed(() => t.http().get(authorizeUrl(baseQuery({ client_id: 'c'.repeat(10 * 1024) })))));
      expectErrorPage(
        await timed(() => t.http().get(authorizeUrl(baseQuery({ redirect_uri: `${REDIRECT}${'/a'.repeat(4000)}` })))),
      );
      expectRedirectedError(
        await timed(() => t.http().get(authorizeUrl(baseQuery({ nonce: 'n'.repeat(513) })))),
        'invalid_request',
        'st',
      );
      expectRedirectedError(
        await timed(() =>
          t.http().get(authorizeUrl(baseQuery({ scope: Array.from({ length: 1500 }, (_, i) => `s${i}`).join(' ') }))),
        ),
        'invalid_scope',
        'st',
      );
      expectJsonError(
        await timed(() =>
          post('/oauth/token', partner, { grant_type: 'authorization_code', code: 'c'.repeat(10 * 1024) }),
        ),
        400,
        'invalid_request',
      );
      expectJsonError(
        await timed(() =>
          post('/oauth/token', partner, { grant_type: 'refresh_token', refresh_token: 'r'.repeat(10 * 1024) }),
        ),
        400,
        'invalid_request',
      );
      expectJsonError(
        await timed(() => post('/oauth/revoke', partner, { token: 't'.repeat(10 * 1024) })),
        400,
        'invalid_request',
      );
      expectJsonError(
        await timed(() => post('/oauth/token', partner, Array.from({ length: 5000 }, (_, i) => `p${i}=1`).join('&'))),
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
          admin('post', '/admin/clients').set('Content-Type', 'application/json').send(body),
        );
        expect(res.status).toBe(400);
        expect(res.body.error).toEqual(expect.any(String));
      }
    });

    it('an offset no database takes is a 400', async () => {
      for (const offset of ['100000000000000000000', '1e300']) {
        expectJsonError(await timed(() => admin('get', `/admin/clients?offset=${offset}`)), 400, 'invalid_request');
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
        expectErrorPage(await signedIn.get(`/oauth/authorize?${twice(baseQuery() as Record<string, string>, name)}`));
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
        ...(baseQuery({ nonce: 'n', prompt: 'consent', max_age: '60', response_mode: 'query' }) as Record<
          string,
          string
        >),
      };
      // A state given twice is no state: none is echoed back.
      expectRedirectedError(
        await signedIn.get(`/oauth/authorize?${twice(params, name)}`),
        'invalid_request',
        name === 'state' ? null : 'st',
      );
    });

    it('authorization endpoint: the same value twice is still twice', async () => {
      const query = new URLSearchParams(baseQuery() as Record<string, string>);
      query.append('scope', 'openid');
      expectRedirectedError(await signedIn.get(`/oauth/authorize?${query}`), 'invalid_request', 'st');
    });

    it.each([['grant_type'], ['code'], ['redirect_uri'], ['code_verifier'], ['client_id'], ['scope']])(
      'token endpoint: %s twice',
      async (name) => {
        const { code, verifier } = await codeFor(partner);
        const body = {
          grant_type: 'authorization_code',
          code,
          redirect_uri: REDIRECT,
          code_verifier: verifier,
          client_id: partner.client_id,
          scope: 'openid',
        };
        expectJsonError(await post('/oauth/token', partner, twice(body, name)), 400, 'invalid_request');
        // The refused request did not spend the code.
        await exchange(code, verifier).expect(200);
      },
    );

    it.each([['refresh_token'], ['scope']])(
      'token endpoint, refresh: %s twice, and the token is not spent',
      async (name) => {
        const tokens = await tokensFor();
        expectJsonError(
          await post(
            '/oauth/token',
            partner,
            twice({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, scope: 'openid' }, name),
          ),
          400,
          'invalid_request',
        );
        await refresh(tokens.refresh_token).expect(200);
      },
    );

    it.each([['client_id'], ['client_secret']])('token endpoint: %s twice with client_secret_post', async (name) => {
      const body = {
        grant_type: 'authorization_code',
        code: 'x',
        client_id: postClient.client_id,
        client_secret: postClient.client_secret!,
      };
      expectJsonError(await t.http().post('/oauth/token').type('form').send(twice(body, name)), 400, 'invalid_request');
    });

    it.each([['/oauth/revoke'], ['/oauth/introspect']])(
      '%s: token, token_type_hint, client_id or client_secret twice',
      async (path) => {
        const tokens = await tokensFor();
        for (const name of ['token', 'token_type_hint']) {
          expectJsonError(
            await post(path, partner, twice({ token: tokens.access_token, token_type_hint: 'access_token' }, name)),
            400,
            'invalid_request',
          );
        }
        for (const name of ['client_id', 'client_secret']) {
          const body = {
            token: tokens.access_token,
            client_id: postClient.client_id,
            client_secret: postClient.client_secret!,
          };
          expectJsonError(await t.http().post(path).type('form').send(twice(body, name)), 400, 'invalid_request');
        }
        expect(await isActive(tokens.access_token)).toBe(true);
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

    const rawQuery = (name: string, raw: string, base: Record<string, string | undefined> = baseQuery()) => {
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
          for (const browser of [t.browser(), signedIn]) {
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
      const res = await signedIn.get(rawQuery('state', 'x%0d%0aSet-Cookie:%20sid=evil')).expect(303);
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
          const res = await signedIn.get(
            authorizeUrl(baseQuery({ [name]: value, prompt: name === 'prompt' ? value : 'consent' })),
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
      const cases: [ClientWithSecret, string, string[]][] = [
        [
          partner,
          'grant_type=authorization_code&code=c&redirect_uri=x&code_verifier=v',
          ['code', 'redirect_uri', 'code_verifier', 'grant_type', 'client_id'],
        ],
        [partner, 'grant_type=refresh_token&refresh_token=r', ['refresh_token', 'scope', 'grant_type', 'client_id']],
        [service, 'grant_type=client_credentials', ['scope', 'grant_type', 'client_id']],
      ];
      for (const [as, body, names] of cases) {
        for (const name of names) {
          const params = new URLSearchParams(body);
          params.delete(name);
          const res = await post('/oauth/token', as, `${params}&${name}=${raw}`);
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
        for (const path of ['/oauth/revoke', '/oauth/introspect']) {
          for (const name of ['token', 'token_type_hint', 'client_id']) {
            const res = await post(path, resourceServer, `token=x&${name}=${raw}`);
            expectCleanHeaders(res);
            if (res.status === 200)
              expect(path === '/oauth/introspect' ? res.body : res.text).toEqual(
                path === '/oauth/introspect' ? { active: false } : '',
              );
            else expect(res.body).toEqual({ error: expect.any(String), error_description: expect.any(String) });
            expect(res.status).toBeLessThan(500);
          }
        }
      },
    );

    it('a URL that is not valid percent-encoding, or not valid HTTP, gets the standard error shape', async () => {
      expectJsonError(await admin('get', '/admin/clients/%ff'), 400, 'invalid_request');
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
        const answer = await rawRequest(t, raw);
        expect(answer).toMatch(/^HTTP\/1\.1 400 /);
        expect(answer).toMatch(/\r\nCache-Control: no-store\r\n/i);
        expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual({
          error: 'invalid_request',
          error_description: expect.any(String),
        });
      }
    });

    it('bearer tokens with a broken payload or a kid that is no string are 401, not a server error', async () => {
      const tokens = await tokensFor();
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
        expectJsonError(
          await t.http().get('/oauth/userinfo').set('Authorization', `Bearer ${token}`),
          401,
          'invalid_token',
        );
        expectJsonError(await admin('get', '/admin/clients', token), 401, 'invalid_token');
        expect((await post('/oauth/introspect', resourceServer, { token }).expect(200)).body).toEqual({
          active: false,
        });
        await post('/oauth/revoke', partner, { token }).expect(200);
        const logout = await t.http().get(`/logout?id_token_hint=${encodeURIComponent(token)}`);
        expect(logout.status).toBe(400);
      }
    });

    it('nothing matches by accident: a client_id or username in another case, padded, or with a NUL finds nothing', async () => {
      for (const id of [
        partner.client_id.toUpperCase(),
        partner.client_id.toLowerCase(),
        `${partner.client_id} `,
        `${partner.client_id}\0`,
        ` ${partner.client_id}`,
      ].filter((v) => v !== partner.client_id)) {
        expectErrorPage(await signedIn.get(authorizeUrl(baseQuery({ client_id: id }))));
        expectJsonError(
          await post('/oauth/token', { ...partner, client_id: id }, { grant_type: 'client_credentials' }),
          401,
          'invalid_client',
        );
        expectJsonError(await admin('get', `/admin/clients/${encodeURIComponent(id)}`), 404, 'not_found');
      }
      for (const username of [user.username.toUpperCase(), `${user.username} `, `${user.username}\0`]) {
        const browser = t.browser();
        const page = await browser.get('/login').expect(200);
        await browser
          .post('/login')
          .type('form')
          .send({ ...hiddenFields(page.text), username, password: user.password })
          .expect(401);
        await browser.get('/').expect(303);
      }
    });
  });

  describe('33. token requests as JSON: invalid_request', () => {
    it.each([['/oauth/token'], ['/oauth/revoke'], ['/oauth/introspect']])('%s', async (path) => {
      const { code, verifier } = await codeFor(partner);
      const res = await t
        .http()
        .post(path)
        .set('Authorization', basicAuth(partner.client_id, partner.client_secret!))
        .send({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier, token: 'x' });
      expectJsonError(res, 400, 'invalid_request');
      // The code survives the refused request.
      await exchange(code, verifier).expect(200);
    });
  });

  describe('34. concurrent redemptions: exactly one success; concurrent refreshes: at most one successor, reuse still detected', () => {
    it('one code, 20 concurrent exchanges', async () => {
      const { code, verifier } = await codeFor(partner);
      const results = await Promise.all(Array.from({ length: 20 }, () => exchange(code, verifier)));
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      for (const r of results.filter((r) => r.status !== 200)) expectJsonError(r, 400, 'invalid_grant');
    });

    it('one refresh token, 10 concurrent refreshes', async () => {
      const tokens = await tokensFor();
      const results = await Promise.all(Array.from({ length: 10 }, () => refresh(tokens.refresh_token)));
      const winners = results.filter((r) => r.status === 200);
      expect(winners.length).toBeLessThanOrEqual(1);
      for (const r of results.filter((r) => r.status !== 200)) expectJsonError(r, 400, 'invalid_grant');
      expectJsonError(await refresh(tokens.refresh_token), 400, 'invalid_grant');
      // Reuse was detected: the successor is dead too.
      for (const w of winners) expectJsonError(await refresh(w.body.refresh_token as string), 400, 'invalid_grant');
    });
  });

  describe('35. consuming a code or refresh token and storing the new tokens happen in one transaction', () => {
    afterEach(() => jest.restoreAllMocks());

    it('a failure storing the tokens leaves the code unspent', async () => {
      const { code, verifier } = await codeFor(partner);
      const writeFailed = failNextWrite(db, 'refresh_tokens');
      const failed = await exchange(code, verifier);
      expect(failed.status).toBeGreaterThanOrEqual(500);
      expect(writeFailed()).toBe(true);
      const res = await exchange(code, verifier).expect(200);
      expect(await isActive(res.body.access_token as string)).toBe(true);
    });

    // A refresh token is spent by the very row of its successor: one INSERT, so one transaction.
    it('a failure storing the successor leaves the refresh token valid, and a success leaves only the successor', async () => {
      const tokens = await tokensFor();
      const writeFailed = failNextWrite(db, 'refresh_tokens');
      expect((await refresh(tokens.refresh_token)).status).toBeGreaterThanOrEqual(500);
      expect(writeFailed()).toBe(true);
      expect(await refreshTokenActive(tokens.refresh_token)).toBe(true);
      const next = (await refresh(tokens.refresh_token).expect(200)).body as Tokens;
      expect(await refreshTokenActive(tokens.refresh_token)).toBe(false);
      expect(await refreshTokenActive(next.refresh_token)).toBe(true);
    });
  });

  describe('36. database down', () => {
    // Covered by test/database-faults.e2e-spec.ts (503 with a JSON error or a page, fails closed, recovers).
  });

  describe('38. two instances on one database', () => {
    // Covered by test/database-faults.e2e-spec.ts (a code redeemed on one instance is dead on the other).
  });
});

/*
 * Items that start apps of their own run after the shared one is closed: passport keeps one
 * global registry of strategies, so a second app alive beside the first takes over its login
 * strategy, and closing it would leave the first signing in on a closed database.
 */
describe('SECURITY.md: attacks that need apps of their own', () => {
  describe('22. the cookies (the login page’s, for its CSRF token): HttpOnly, SameSite=Lax, Secure under https', () => {
    const attributes = (res: Response) =>
      ([] as string[])
        .concat(res.headers['set-cookie'] ?? [])
        .find((l) => l.startsWith('csrf='))!
        .split(';')
        .slice(1)
        .map((a) => a.trim().toLowerCase());

    it.each([
      ['an http issuer', 'http://localhost:3000', ['httponly', 'samesite=lax']],
      ['an https issuer', 'https://id.example', ['httponly', 'samesite=lax', 'secure']],
    ])('on %s', async (_, issuer, expected) => {
      const app = await createTestApp({ ISSUER: issuer });
      try {
        const cookie = attributes(await app.http().get('/login').set('X-Forwarded-Proto', 'https').expect(200));
        expect(cookie).toEqual(expect.arrayContaining(expected));
        if (!expected.includes('secure')) expect(cookie).not.toContain('secure');
      } finally {
        await app.close();
      }
    });
  });

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
          client: ClientWithSecret;
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
            (
              await first
                .http()
                .post('/oauth/token')
                .set('Authorization', basicAuth(client.client_id, client.client_secret!))
                .type('form')
                .send({
                  grant_type: 'authorization_code',
                  code: c.code,
                  redirect_uri: REDIRECT,
                  code_verifier: c.verifier,
                })
                .expect(200)
            ).body as Tokens;
          const live = await redeem(await code());
          const usedCode = await code();
          const revoked = (await redeem(usedCode)).access_token;
          await first
            .http()
            .post('/oauth/revoke')
            .set('Authorization', basicAuth(client.client_id, client.client_secret!))
            .type('form')
            .send({ token: revoked })
            .expect(200);
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
          const as = basicAuth(client.client_id, client.client_secret!);
          expect(
            (
              await second
                .http()
                .post('/oauth/introspect')
                .set('Authorization', as)
                .type('form')
                .send({ token: live.access_token })
                .expect(200)
            ).body.active,
          ).toBe(true);
          expect(
            (
              await second
                .http()
                .post('/oauth/introspect')
                .set('Authorization', as)
                .type('form')
                .send({ token: revoked })
                .expect(200)
            ).body,
          ).toEqual({ active: false });
          const replay = await second.http().post('/oauth/token').set('Authorization', as).type('form').send({
            grant_type: 'authorization_code',
            code: usedCode.code,
            redirect_uri: REDIRECT,
            code_verifier: usedCode.verifier,
          });
          expectJsonError(replay, 400, 'invalid_grant');
          await second
            .http()
            .post('/oauth/token')
            .set('Authorization', as)
            .type('form')
            .send({ grant_type: 'refresh_token', refresh_token: live.refresh_token })
            .expect(200);
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
