import fc from 'fast-check';
import type { Response } from 'supertest';
import { ClientWithSecret } from '../src/clients/clients.service';
import { createTestApp, TEST_API, TestApp } from './helpers/create-test-app';
import { databaseState, privateDatabase } from './helpers/database-state';
import { authorize, basicAuth, hiddenFields, pkcePair, signIn } from './helpers/oauth-client';
import * as oauth from './helpers/partner';

/*
 * Property-based fuzzing of every endpoint that takes input from outside (checklist items 30-32 in docs/security.md,
 * issue 4): random and adversarial values must never produce a server error, must always come
 * back in the standard error shape, and a refused request must leave the database as it was.
 *
 * Runs are bounded and seeded, so a failure is reproducible: fast-check prints the seed and the
 * counterexample; FUZZ_SEED and FUZZ_RUNS override them (e.g. FUZZ_RUNS=2000 for a long hunt).
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261128);
const RUNS = Number(process.env.FUZZ_RUNS ?? 120);
const params = { seed: SEED, numRuns: RUNS, endOnFailure: true };

const ISSUER = 'http://localhost:3000';

/** Resource indicators (RFC 8707): a registered API, an unknown one, and malformed ones. */
const RESOURCES = [
  TEST_API.identifier,
  'https://unknown.example/api',
  'urn:x',
  '/relative',
  `${TEST_API.identifier}#f`,
];

/** Known attack strings: injection, header splitting, encodings, look-alikes, prototype keys. */
const FRAGMENTS = [
  '',
  ' ',
  "' OR '1'='1",
  "'; DROP TABLE clients; --",
  '" OR ""="',
  '1) UNION SELECT secret_hash FROM clients --',
  '%',
  '%ff',
  '%00',
  '%0d%0a',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '{{constructor.constructor("alert(1)")()}}',
  '${7*7}',
  '\r\nSet-Cookie: sid=evil',
  '\r\nLocation: https://evil.example',
  '\0',
  '\u0000\u0001\u001f\u007f',
  '\ud800',
  '\udfff\ud800',
  '\u202e',
  '\ufeff',
  'Ａｄｍｉｎ',
  'İ',
  '𝕒𝕕𝕞𝕚𝕟',
  '../../../etc/passwd',
  '__proto__',
  'constructor',
  'toString',
  'null',
  'undefined',
  'NaN',
  '-1',
  '1e309',
  '[]',
  '{}',
  'admin',
  'openid',
  'javascript:alert(1)',
  'https://evil.example/cb',
];

/** Strings an attacker would try: fragments, random unicode, control characters, lone surrogates, long ones. */
const adversarial: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...FRAGMENTS) },
  { weight: 2, arbitrary: fc.string() },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme' }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary' }) },
  {
    weight: 1,
    arbitrary: fc.string({ unit: fc.constantFrom('\0', '\r', '\n', '\t', '\x7f', '\x1b', '\u2028', '\u0085') }),
  },
  { weight: 1, arbitrary: fc.string({ minLength: 1000, maxLength: 2500 }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...FRAGMENTS), fc.string()).map(([a, b]) => a + b) },
);

/** A parameter's value: a plausible one, an adversarial one, absent, or given more than once. */
type ParamValue = string | string[] | undefined;
function param(plausible: string[]): fc.Arbitrary<ParamValue> {
  const one = plausible.length ? fc.oneof(fc.constantFrom(...plausible), adversarial) : adversarial;
  return fc.oneof(
    { weight: 3, arbitrary: plausible.length ? fc.constantFrom(...plausible) : adversarial },
    { weight: 2, arbitrary: adversarial },
    { weight: 2, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.array(one, { minLength: 2, maxLength: 3 }) },
  );
}

/** Extra parameters of any name, sometimes repeating a known one. */
function extras(names: string[]): fc.Arbitrary<[string, string][]> {
  const name = names.length ? fc.oneof(fc.constantFrom(...names), adversarial) : adversarial;
  return fc.array(fc.tuple(name, adversarial), { maxLength: 3 });
}

/** A string as UTF-8 can carry it: each lone surrogate becomes U+FFFD, as URLSearchParams and browsers send it. */
function wellFormed(value: string): string {
  return value.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/** encodeURIComponent refuses lone surrogates. */
function encodePathSegment(value: string): string {
  return encodeURIComponent(wellFormed(value));
}

/** Raw query fragments that URLSearchParams would never produce: invalid percent-encoding, empty names. */
const rawSuffix = fc.option(
  fc.constantFrom(
    '&state=%ff',
    '&scope=%00',
    '&nonce=%E0%A4%A',
    '&%ff=1',
    '&x=%0d%0a',
    '&&&',
    '&=',
    '&a[b]=1',
    '&state=%C0%AF',
  ),
  {
    nil: '',
  },
);

function encode(fields: Record<string, ParamValue>, more: [string, string][] = [], raw = ''): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const v of value === undefined ? [] : ([] as string[]).concat(value)) query.append(name, v);
  }
  for (const [name, value] of more) query.append(name, value);
  return query.toString() + raw;
}

/** Nothing from the request reaches a header unescaped: every header value is printable ASCII. */
function expectCleanHeaders(res: Response): void {
  for (const [name, value] of Object.entries(res.headers)) {
    for (const v of ([] as unknown[]).concat(value)) expect(`${name}: ${String(v)}`).toMatch(/^[\x20-\x7e]*$/);
  }
}

/** RFC 6749 §5.2: `{error, error_description}` with string values, not cached. */
function expectErrorShape(res: Response, codes?: string[]): void {
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(typeof res.body.error).toBe('string');
  expect(typeof res.body.error_description).toBe('string');
  if (codes) expect(codes).toContain(res.body.error);
}

/** Whether a response is one of the transport-level refusals of an oversized request (checklist item 30). */
const tooLarge = (res: Response) => [413, 414, 431].includes(res.status);

/** Header values cannot carry every character; what supertest could not send is dropped. */
const headerSafe = (value: string) => value.replace(/[^\t\x20-\x7e]/g, '');

describe('fuzzing (fast-check)', () => {
  let t: TestApp;
  let dropDatabase: () => Promise<void>;
  let partner: ClientWithSecret;
  let consentPartner: ClientWithSecret;
  let publicClient: ClientWithSecret;
  let victim: ClientWithSecret;
  let resourceServer: ClientWithSecret;
  let adminToken: string;
  let victimTokens: { access_token: string; refresh_token: string; id_token: string };
  let signedIn: ReturnType<TestApp['browser']>;
  let user: Awaited<ReturnType<TestApp['createUser']>>;

  const PARTNER_REDIRECTS = ['https://fuzz.example/cb', 'http://127.0.0.1/cb'];
  const PUBLIC_REDIRECT = 'https://public.example/cb';

  beforeAll(async () => {
    const database = await privateDatabase('fuzz');
    dropDatabase = database.drop;
    t = await createTestApp(database.env);
    const codeFlow = { grant_types: ['authorization_code', 'refresh_token'], scope: 'openid profile email' };
    partner = await t.createClient({ name: 'Fuzz partner', redirect_uris: PARTNER_REDIRECTS, ...codeFlow });
    consentPartner = await t.createClient({ name: 'Consent partner', redirect_uris: PARTNER_REDIRECTS, ...codeFlow });
    publicClient = await t.createClient({
      name: 'Fuzz app',
      redirect_uris: [PUBLIC_REDIRECT],
      token_endpoint_auth_method: 'none',
      ...codeFlow,
    });
    victim = await t.createClient({ name: 'Victim', redirect_uris: ['https://victim.example/cb'], ...codeFlow });
    resourceServer = await t.createClient({
      name: 'API',
      redirect_uris: [],
      grant_types: ['client_credentials'],
      scope: '',
      resource_server: true,
    });
    const admin = await t.createClient({
      name: 'Admin console',
      redirect_uris: [],
      grant_types: ['client_credentials'],
      scope: 'admin',
    });
    adminToken = (await oauth.token(t.http(), admin, { grant_type: 'client_credentials' }).expect(200)).body
      .access_token;
    user = await t.createUser();

    // Live tokens of another client: real values an attacker might have got hold of.
    const pkce = pkcePair();
    const location = await authorize(
      t.browser(),
      {
        response_type: 'code',
        client_id: victim.client_id,
        redirect_uri: 'https://victim.example/cb',
        scope: 'openid profile',
        code_challenge: pkce.challenge,
        code_challenge_method: 'S256',
      },
      user,
    );
    victimTokens = (
      await oauth
        .token(t.http(), victim, {
          grant_type: 'authorization_code',
          code: location.searchParams.get('code')!,
          redirect_uri: 'https://victim.example/cb',
          code_verifier: pkce.verifier,
        })
        .expect(200)
    ).body;

    signedIn = t.browser();
    await signIn(signedIn, user.username, user.password);
  });

  afterAll(async () => {
    await t.close();
    await dropDatabase();
  });

  /** The victim's tokens still work: nothing the fuzzing sent touched them. */
  async function expectVictimTokensAlive(): Promise<void> {
    const introspect = (token: string) => oauth.introspect(t.http(), resourceServer, token).expect(200);
    expect((await introspect(victimTokens.access_token)).body.active).toBe(true);
    const own = await oauth.introspect(t.http(), victim, victimTokens.refresh_token, 'refresh_token').expect(200);
    expect(own.body.active).toBe(true);
  }

  /** Variations of real tokens: truncated, a character changed, the signature of another, `alg: none`. */
  function mangled(token: string): string[] {
    const [header, payload, signature] = token.split('.');
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url');
    return [
      token.slice(0, -1),
      `${token} `,
      flip(token, token.length - 5),
      ...(payload
        ? [
            `${header}.${payload}.`,
            `${none}.${payload}.`,
            `${header}.${flip(payload, 10)}.${signature}`,
            `${header}.${payload}`,
          ]
        : []),
      token.toUpperCase(),
    ];
  }

  describe('authorization endpoint', () => {
    /**
     * What the request must get, from its client_id and redirect_uri alone (RFC 6749 §4.1.2.1):
     * the error page unless both name exactly one registered client and one of its URIs.
     */
    function mustShowErrorPage(fields: Record<string, ParamValue>): boolean {
      const clientId = fields.client_id;
      const registered =
        clientId === partner.client_id
          ? PARTNER_REDIRECTS
          : clientId === consentPartner.client_id
            ? PARTNER_REDIRECTS
            : clientId === publicClient.client_id
              ? [PUBLIC_REDIRECT]
              : null;
      if (!registered) return true;
      const uri = fields.redirect_uri;
      if (uri === undefined) return registered.length !== 1;
      if (typeof uri !== 'string') return true;
      if (registered.includes(uri)) return false;
      // RFC 8252 §7.3: a loopback URI may differ in port, a real port.
      const loopback = /^http:\/\/127\.0\.0\.1:(\d{1,5})\/cb$/.exec(uri);
      return !(registered.includes('http://127.0.0.1/cb') && loopback && Number(loopback[1]) <= 65535);
    }

    /** Locations the provider may send a browser to: a registered URI (with its response) or its own login page. */
    function expectSafeRedirect(
      location: string,
      fields: Record<string, ParamValue>,
      allowCode: boolean,
      raw = '',
    ): void {
      expect(location).toMatch(/^[\x21-\x7e]+$/);
      if (location.startsWith('/login?return_to=')) {
        const returnTo = new URL(location, ISSUER).searchParams.get('return_to')!;
        expect(returnTo.startsWith('/oauth/authorize?')).toBe(true);
        return;
      }
      const url = new URL(location);
      const base = `${url.origin}${url.pathname}`;
      const registered = fields.client_id === publicClient.client_id ? [PUBLIC_REDIRECT] : PARTNER_REDIRECTS;
      expect(
        registered.some(
          (r) => r === base || (r === 'http://127.0.0.1/cb' && /^http:\/\/127\.0\.0\.1(:\d+)?\/cb$/.test(base)),
        ),
      ).toBe(true);
      expect(url.searchParams.get('iss')).toBe(ISSUER);
      if (!allowCode || url.searchParams.get('error')) {
        expect(url.searchParams.get('code')).toBeNull();
        expect(url.searchParams.get('error')).toMatch(/^[a-z_]+$/);
        expect(typeof url.searchParams.get('error_description')).toBe('string');
      }
      // The exact state comes back (RFC 6749 §4.1.2.1), unless a raw suffix added another one.
      if (url.searchParams.has('state') && !raw.includes('state='))
        expect(url.searchParams.get('state')).toBe(wellFormed(fields.state as string));
    }

    function expectErrorPage(res: Response): void {
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers.location).toBeUndefined();
      expect(res.text).toContain('role="alert"');
    }

    /** Nothing an attacker sent comes back as live markup. */
    function expectNoInjectedMarkup(html: string): void {
      expect(html).not.toContain('<script>alert');
      expect(html).not.toContain('<img src=x');
      expect(html).not.toContain('"><img');
    }

    const clientIds = () => [
      partner.client_id,
      publicClient.client_id,
      partner.client_id.toUpperCase(),
      `${partner.client_id} `,
      `${partner.client_id}\0`,
    ];
    const authorizationRequest = () =>
      fc.record({
        fields: fc.record({
          response_type: param(['code', 'token', 'id_token token', 'code id_token', 'CODE']),
          client_id: param(clientIds()),
          redirect_uri: param([
            ...PARTNER_REDIRECTS,
            PUBLIC_REDIRECT,
            'http://127.0.0.1:51234/cb',
            'http://127.0.0.1:99999/cb',
            'http://[::1]:51234/cb',
            'https://FUZZ.example/cb',
            'https://fuzz.example/cb/',
            'https://fuzz.example/cb?x=1',
            'https://fuzz.example./cb',
            'https://fuzz.example/cb#x',
            'https://user@fuzz.example/cb',
            'https://fuzz.example:443/cb',
            'https://fuzz.example/%63b',
          ]),
          scope: param(['openid', 'openid profile', 'admin', 'openid  profile']),
          state: param(['xyz', 'a&b=c', 'st ate']),
          code_challenge: param([pkcePair().challenge, 'a'.repeat(42), 'a'.repeat(129), '+'.repeat(43)]),
          code_challenge_method: param(['S256', 'plain', 's256']),
          nonce: param(['n-0S6']),
          prompt: param(['none', 'login', 'consent', 'none login']),
          max_age: param(['0', '60', '-1', '1.5']),
          resource: param(RESOURCES),
        }),
        more: extras(['decision', 'request', 'request_uri', 'response_mode', 'claims']),
        raw: rawSuffix,
      });

    it('answers any request without a session with the error page or a redirect to a registered URI or the login page', async () => {
      const before = await databaseState(t.app);
      await fc.assert(
        fc.asyncProperty(authorizationRequest(), async ({ fields, more, raw }) => {
          const res = await t.http().get(`/oauth/authorize?${encode(fields, more, raw)}`);
          expectCleanHeaders(res);
          if (tooLarge(res)) return expectErrorShape(res);
          if (mustShowErrorPage(fields)) {
            expectErrorPage(res);
            expectNoInjectedMarkup(res.text);
          } else {
            expect(res.status).toBe(303);
            expectSafeRedirect(res.headers.location, fields, false, raw);
          }
        }),
        params,
      );
      expect(await databaseState(t.app)).toEqual(before);
    });

    it('answers any request of a signed-in user without a code unless the user allows it', async () => {
      const before = await databaseState(t.app);
      await fc.assert(
        fc.asyncProperty(authorizationRequest(), async ({ fields, more, raw }) => {
          const res = await signedIn.get(`/oauth/authorize?${encode(fields, more, raw)}`);
          expectCleanHeaders(res);
          if (tooLarge(res)) return expectErrorShape(res);
          if (mustShowErrorPage(fields)) {
            expectErrorPage(res);
          } else if (res.status === 200) {
            // The consent page, asking; no GET ever grants (checklist item 19).
            expect(res.text).toContain('name="_csrf"');
            expect(res.text).toMatch(/>Allow</);
          } else {
            expect(res.status).toBe(303);
            expectSafeRedirect(res.headers.location, fields, false, raw);
          }
          expectNoInjectedMarkup(res.text ?? '');
        }),
        params,
      );
      expect(await databaseState(t.app)).toEqual(before);
    });

    it('answers any consent decision with the error page or a redirect, and makes a code only for an Allow of a valid request', async () => {
      const consentPage = await signedIn
        .get(
          `/oauth/authorize?${encode({ response_type: 'code', client_id: consentPartner.client_id, redirect_uri: PARTNER_REDIRECTS[0], scope: 'openid', prompt: 'consent', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' })}`,
        )
        .expect(200);
      const csrf = hiddenFields(consentPage.text)._csrf;
      const decisionRequest = authorizationRequest().chain((request) =>
        fc.record({
          request: fc.constant(request),
          decision: param(['allow', 'deny']),
          clientId: param([consentPartner.client_id, publicClient.client_id, consentPartner.client_id.toUpperCase()]),
        }),
      );
      await fc.assert(
        fc.asyncProperty(decisionRequest, async ({ request, decision, clientId }) => {
          const fields = { ...request.fields, client_id: clientId };
          const before = await databaseState(t.app);
          const res = await signedIn
            .post('/oauth/authorize')
            .type('form')
            .send(encode({ ...fields, decision, _csrf: csrf }, request.more));
          expectCleanHeaders(res);
          const after = await databaseState(t.app);
          if (tooLarge(res)) {
            expectErrorShape(res);
            expect(after).toEqual(before);
            return;
          }
          if (mustShowErrorPage(fields)) {
            expectErrorPage(res);
            expect(after).toEqual(before);
            return;
          }
          expect(res.status).toBe(303);
          expectSafeRedirect(res.headers.location, fields, true);
          const issued = new URL(res.headers.location).searchParams.get('code');
          if (issued) {
            expect(decision).toBe('allow');
            const codes = (s: Record<string, string>) => JSON.parse(s.authorization_codes) as unknown[];
            expect(codes(after)).toHaveLength(codes(before).length + 1);
            expect({ ...after, authorization_codes: '' }).toEqual({ ...before, authorization_codes: '' });
          } else {
            expect(after).toEqual(before);
          }
        }),
        { ...params, numRuns: Math.ceil(RUNS / 2) },
      );
    });
  });

  describe('token endpoint', () => {
    const TOKEN_ERRORS = [
      'invalid_request',
      'invalid_client',
      'invalid_grant',
      'unauthorized_client',
      'unsupported_grant_type',
      'invalid_scope',
      'invalid_target',
    ];

    it('refuses any request that is not a real grant, in the RFC 6749 §5.2 shape, and changes nothing', async () => {
      const request = fc.record({
        fields: fc.record({
          grant_type: param([
            'authorization_code',
            'refresh_token',
            'client_credentials',
            'password',
            'implicit',
            'urn:ietf:params:oauth:grant-type:jwt-bearer',
            'AUTHORIZATION_CODE',
          ]),
          code: param(['', 'a'.repeat(43)]),
          redirect_uri: param(PARTNER_REDIRECTS),
          code_verifier: param([pkcePair().verifier]),
          refresh_token: param([]),
          scope: param(['openid', 'admin', 'openid profile email offline_access']),
          client_id: param([partner.client_id, publicClient.client_id, partner.client_id.toUpperCase()]),
          client_secret: param([partner.client_secret!, '']),
          resource: param(RESOURCES),
        }),
        // Real values of another client, which must get nobody anything.
        stolen: fc.option(fc.constantFrom('refresh_token', 'code'), { nil: undefined }),
        more: extras(['username', 'password', 'assertion']),
        auth: fc.constantFrom('basic', 'wrong-secret', 'garbage', 'none', 'other-case'),
        garbage: adversarial,
        contentType: fc.constantFrom('form', 'form', 'form', 'json', 'text', 'none', 'form-charset'),
        queryCredentials: fc.boolean(),
      });
      const before = await databaseState(t.app);
      await fc.assert(
        fc.asyncProperty(request, async ({ fields, stolen, more, auth, garbage, contentType, queryCredentials }) => {
          if (stolen) fields = { ...fields, [stolen]: victimTokens.refresh_token };
          let req = oauth.tokenRequest(t.http());
          if (queryCredentials) req = req.query({ client_id: partner.client_id });
          if (auth === 'basic') req = req.set('Authorization', basicAuth(partner.client_id, partner.client_secret!));
          if (auth === 'wrong-secret')
            req = req.set('Authorization', basicAuth(partner.client_id, `${partner.client_secret}x`));
          if (auth === 'other-case')
            req = req.set('Authorization', basicAuth(partner.client_id.toUpperCase(), partner.client_secret!));
          if (auth === 'garbage') req = req.set('Authorization', headerSafe(`Basic ${garbage}`));
          const form = encode(fields, more);
          const res =
            contentType === 'json'
              ? await req
                  .set('Content-Type', 'application/json')
                  .send(JSON.stringify(Object.fromEntries(new URLSearchParams(form))))
              : contentType === 'text'
                ? await req.set('Content-Type', 'text/plain').send(form)
                : contentType === 'none'
                  ? await req.send(form)
                  : contentType === 'form-charset'
                    ? await req.set('Content-Type', 'application/x-www-form-urlencoded; charset=ISO-8859-1').send(form)
                    : await req.type('form').send(form);
          expectCleanHeaders(res);
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
          if (tooLarge(res)) return expectErrorShape(res);
          expectErrorShape(res, TOKEN_ERRORS);
          if (res.status === 401 && ['basic', 'wrong-secret', 'other-case'].includes(auth))
            expect(res.headers['www-authenticate']).toMatch(/^Basic /);
        }),
        params,
      );
      expect(await databaseState(t.app)).toEqual(before);
      await expectVictimTokensAlive();
    });
  });

  describe('revocation and introspection endpoints', () => {
    const tokenRequest = () =>
      fc.record({
        token: param([]),
        real: fc.option(
          fc.constantFrom(
            ...[victimTokens.access_token, victimTokens.refresh_token, victimTokens.id_token].flatMap((token) => [
              token,
              ...mangled(token),
            ]),
          ),
          { nil: undefined },
        ),
        hint: param(['access_token', 'refresh_token', 'id_token']),
        more: extras(['client_id', 'client_secret']),
        auth: fc.constantFrom('basic', 'basic', 'basic', 'wrong-secret', 'none', 'json'),
      });

    function send(
      endpoint: typeof oauth.revocationRequest,
      as: ClientWithSecret,
      r: { token: ParamValue; real?: string; hint: ParamValue; more: [string, string][]; auth: string },
    ) {
      const form = encode({ token: r.real ?? r.token, token_type_hint: r.hint }, r.more);
      switch (r.auth) {
        case 'none':
          return oauth.asClient(endpoint(t.http()), null, form);
        case 'wrong-secret':
          return oauth.asClient(endpoint(t.http()), as, form, { secret: 'wrong' });
        case 'json':
          return endpoint(t.http())
            .set('Authorization', basicAuth(as.client_id, as.client_secret!))
            .set('Content-Type', 'application/json')
            .send(JSON.stringify(Object.fromEntries(new URLSearchParams(form))));
        default:
          return oauth.asClient(endpoint(t.http()), as, form);
      }
    }

    it('revocation by another client answers 200 or a standard error, and changes nothing (RFC 7009 §2.1)', async () => {
      const before = await databaseState(t.app);
      await fc.assert(
        fc.asyncProperty(tokenRequest(), async (r) => {
          const res = await send(oauth.revocationRequest, partner, r);
          expectCleanHeaders(res);
          expect(res.headers['cache-control']).toBe('no-store');
          if (res.status === 200) {
            expect(res.text).toBe('');
          } else {
            expect(res.status).toBeGreaterThanOrEqual(400);
            expect(res.status).toBeLessThan(500);
            expectErrorShape(res, tooLarge(res) ? undefined : ['invalid_request', 'invalid_client']);
          }
        }),
        params,
      );
      expect(await databaseState(t.app)).toEqual(before);
      await expectVictimTokensAlive();
    });

    it('introspection answers exactly {"active": false} for anything but a live token, or a standard error (RFC 7662 §2.2)', async () => {
      const before = await databaseState(t.app);
      await fc.assert(
        fc.asyncProperty(tokenRequest(), async (r) => {
          // The live access token itself is the one thing that is active; its variations are not.
          fc.pre(r.real !== victimTokens.access_token);
          const res = await send(oauth.introspectionRequest, resourceServer, r);
          expectCleanHeaders(res);
          expect(res.headers['cache-control']).toBe('no-store');
          if (res.status === 200) {
            expect(res.body).toEqual({ active: false });
          } else {
            expect(res.status).toBeGreaterThanOrEqual(400);
            expect(res.status).toBeLessThan(500);
            expectErrorShape(res, tooLarge(res) ? undefined : ['invalid_request', 'invalid_client']);
          }
        }),
        params,
      );
      expect(await databaseState(t.app)).toEqual(before);
      await expectVictimTokensAlive();
    });
  });

  describe('clients administration API', () => {
    const ADMIN_ERRORS = ['invalid_request', 'invalid_client_metadata', 'invalid_redirect_uri', 'not_found'];
    const bearer = () => `Bearer ${adminToken}`;

    /** JSON values of every kind, with adversarial strings and objects where strings belong. */
    const jsonish: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        { weight: 4, arbitrary: adversarial },
        { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null)) },
        { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 3 }) },
        { weight: 1, arbitrary: fc.dictionary(adversarial, tie('value'), { maxKeys: 3 }) },
      ),
    })).value;

    const field = (plausible: unknown[]) =>
      fc.option(fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...plausible) }, { weight: 2, arbitrary: jsonish }), {
        nil: undefined,
      });

    const metadata = fc.record(
      {
        name: field(['Fuzzed client', '']),
        client_name: field(['Fuzzed client']),
        redirect_uris: field([
          ['https://fuzz.example/cb'],
          ['http://127.0.0.1/cb'],
          ['https://*.fuzz.example/cb'],
          ['https://fuzz.example/cb#x'],
          ['JavaScript:alert(1)'],
          ['data:text/html,<script>alert(1)</script>'],
          ['http://evil.example/cb'],
          [],
        ]),
        post_logout_redirect_uris: field([['https://fuzz.example/bye'], ['javascript:alert(1)']]),
        grant_types: field([['authorization_code'], ['client_credentials'], ['implicit'], ['password'], []]),
        scope: field(['openid profile', 'admin', '']),
        token_endpoint_auth_method: field(['client_secret_basic', 'client_secret_post', 'none', 'private_key_jwt']),
        require_pkce: field([true, false, 'false']),
        resource_server: field([true, false, 'true']),
        client_id: field(['chosen-by-caller']),
        client_secret: field(['chosen-by-caller']),
        secret_hash: field(['0'.repeat(64)]),
        client_id_issued_at: field([0]),
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      {
        weight: 4,
        arbitrary: metadata.chain((m) =>
          extras([]).map((more) => JSON.stringify({ ...m, ...Object.fromEntries(more.slice(0, 1)) })),
        ),
      },
      { weight: 1, arbitrary: jsonish.map((v) => JSON.stringify(v) ?? 'null') },
      { weight: 1, arbitrary: adversarial },
    );

    function expectRefusedOrDone(res: Response, doneStatus: number): void {
      expectCleanHeaders(res);
      expect(res.status).toBeLessThan(500);
      if (res.status === doneStatus) return;
      expect(res.status).toBeGreaterThanOrEqual(400);
      expectErrorShape(res, tooLarge(res) ? undefined : ADMIN_ERRORS);
    }

    /** A client as the API shows it carries no secret hash, and a secret only when `withSecret`. */
    function expectNoSecretLeak(res: Response, withSecret: boolean): void {
      expect(res.text).not.toMatch(/secret_hash|secretHash/);
      expect(res.text).not.toContain('0'.repeat(64));
      expect('client_secret' in res.body).toBe(withSecret);
    }

    it('registers a client only from a valid body; anything else is a 400 in the standard shape and registers nothing', async () => {
      await fc.assert(
        fc.asyncProperty(
          body,
          fc.constantFrom('application/json', 'application/json', 'text/plain', 'application/x-www-form-urlencoded'),
          async (raw, type) => {
            const before = await databaseState(t.app);
            const res = await t
              .http()
              .post('/admin/clients')
              .set('Authorization', bearer())
              .set('Content-Type', type)
              .send(raw);
            expectRefusedOrDone(res, 201);
            const after = await databaseState(t.app);
            if (res.status === 201) {
              expect(res.body.client_id).not.toBe('chosen-by-caller');
              expectNoSecretLeak(res, res.body.token_endpoint_auth_method !== 'none');
              expect(JSON.parse(after.clients)).toHaveLength(JSON.parse(before.clients).length + 1);
            } else {
              expect(after).toEqual(before);
            }
          },
        ),
        params,
      );
    });

    it('changes a client only from a valid body; anything else leaves it as it was', async () => {
      const target = await t.createClient({ name: 'Patched by fuzz', redirect_uris: ['https://patched.example/cb'] });
      await fc.assert(
        fc.asyncProperty(body, async (raw) => {
          const before = await databaseState(t.app);
          const res = await t
            .http()
            .patch(`/admin/clients/${target.client_id}`)
            .set('Authorization', bearer())
            .set('Content-Type', 'application/json')
            .send(raw);
          expectRefusedOrDone(res, 200);
          if (res.status === 200) {
            expect(res.body.client_id).toBe(target.client_id);
            expectNoSecretLeak(res, 'client_secret' in res.body);
          } else {
            expect(await databaseState(t.app)).toEqual(before);
          }
        }),
        params,
      );
    });

    it('finds, deletes or rotates no client for an id that is not exactly one, and lists only with a valid query', async () => {
      const target = await t.createClient({
        name: 'Looked up by fuzz',
        redirect_uris: ['https://looked-up.example/cb'],
      });
      const id = fc.oneof(
        { weight: 3, arbitrary: adversarial },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            target.client_id.toUpperCase(),
            target.client_id.toLowerCase(),
            `${target.client_id} `,
            `${target.client_id}\0`,
            `${target.client_id}%`,
            ` ${target.client_id}`,
          ),
        },
      );
      const query = fc.record({
        limit: param(['1', '100', '101', '0', '1e3', '9'.repeat(30)]),
        offset: param(['0', '5', '-1', '1e20', '9'.repeat(30)]),
      });
      const before = await databaseState(t.app);
      await fc.assert(
        fc.asyncProperty(
          id,
          fc.constantFrom('get', 'delete', 'rotate', 'patch'),
          query,
          extras(['sort', 'filter']),
          async (value, action, q, more) => {
            fc.pre(value !== target.client_id);
            const path = `/admin/clients/${encodePathSegment(value)}`;
            const res =
              action === 'get'
                ? await t.http().get(path).set('Authorization', bearer())
                : action === 'delete'
                  ? await t.http().delete(path).set('Authorization', bearer())
                  : action === 'rotate'
                    ? await t.http().post(`${path}/secret`).set('Authorization', bearer())
                    : await t.http().patch(path).set('Authorization', bearer()).send({ name: 'renamed' });
            expectCleanHeaders(res);
            // No status counts as done: every such id names no client (an empty one, no route).
            expectRefusedOrDone(res, -1);
            const list = await t
              .http()
              .get(`/admin/clients?${encode(q, more)}`)
              .set('Authorization', bearer());
            expectRefusedOrDone(list, 200);
            if (list.status === 200) expect(Array.isArray(list.body.items)).toBe(true);
          },
        ),
        params,
      );
      expect(await databaseState(t.app)).toEqual(before);
      await t.http().get(`/admin/clients/${target.client_id}`).set('Authorization', bearer()).expect(200);
    });

    it('answers any Authorization header other than an admin token with 401 or 403 and does nothing', async () => {
      const before = await databaseState(t.app);
      const header = fc.oneof(
        adversarial.map((s) => headerSafe(`Bearer ${s}`)),
        adversarial.map(headerSafe),
        fc.constantFrom(
          ...mangled(adminToken).map((v) => `Bearer ${headerSafe(v)}`),
          `Bearer ${victimTokens.access_token}`,
          `Bearer ${victimTokens.id_token}`,
          `Basic ${Buffer.from('a:b').toString('base64')}`,
        ),
      );
      await fc.assert(
        fc.asyncProperty(
          header,
          fc.constantFrom(
            'GET /admin/clients',
            'POST /admin/clients',
            `DELETE /admin/clients/${partner.client_id}`,
            `POST /admin/clients/${partner.client_id}/secret`,
          ),
          async (value, route) => {
            // HTTP drops the whitespace around a header value (RFC 9110 §5.5): that is still the admin token.
            fc.pre(value.trim() !== bearer());
            const [method, path] = route.split(' ');
            let req =
              method === 'GET' ? t.http().get(path) : method === 'DELETE' ? t.http().delete(path) : t.http().post(path);
            if (value !== '') req = req.set('Authorization', value);
            const res = await (method === 'POST'
              ? req.send({ name: 'x', redirect_uris: ['https://x.example/cb'] })
              : req);
            expectCleanHeaders(res);
            if (tooLarge(res)) return expectErrorShape(res);
            expect([401, 403]).toContain(res.status);
            expectErrorShape(res, ['invalid_token', 'insufficient_scope']);
            expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
          },
        ),
        params,
      );
      expect(await databaseState(t.app)).toEqual(before);
    });
  });
});
