import { authorizeUrl, signIn } from '../helpers/oauth-client';
import {
  ISSUER,
  REDIRECT,
  LOOPBACK_V4,
  LOOPBACK_V6,
  codeFlow,
  expectErrorPage,
  expectRedirectedError,
  expectCleanHeaders,
  useSecurityWorld,
} from './world';

/* Items of the checklist in docs/security.md, fired at the running provider. */

describe('The authorization endpoint (docs/security.md, Checklist)', () => {
  const w = useSecurityWorld();

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
      const codesBefore = await w.rows('authorization_codes', w.partner.client_id);
      for (const prompt of [undefined, 'none']) {
        // Anonymous, and signed in with consent given: a match would mean a code at once.
        for (const browser of [w.t.browser(), w.signedIn]) {
          const res = await browser.get(authorizeUrl(w.baseQuery({ redirect_uri: redirectUri, prompt })));
          expectErrorPage(res);
          expectCleanHeaders(res);
        }
      }
      expect(await w.rows('authorization_codes', w.partner.client_id)).toBe(codesBefore);
    });

    it.each<[string, () => Record<string, string | undefined>]>([
      ['an unknown client_id', () => ({ client_id: 'no-such-client' })],
      ['no client_id', () => ({ client_id: undefined })],
      ['an empty client_id', () => ({ client_id: '' })],
      ['the client_id in capitals', () => ({ client_id: w.partner.client_id.toUpperCase() })],
      ['the client_id with a trailing space', () => ({ client_id: `${w.partner.client_id} ` })],
      ['the client_id with a trailing NUL', () => ({ client_id: `${w.partner.client_id}\0` })],
      ['a client_id of SQL', () => ({ client_id: "' OR '1'='1" })],
      ['no redirect_uri when several are registered', () => ({ redirect_uri: undefined })],
    ])('%s, with and without prompt=none', async (_, overrides) => {
      for (const prompt of [undefined, 'none']) {
        expectErrorPage(await w.signedIn.get(authorizeUrl(w.baseQuery({ ...overrides(), prompt }))));
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
      const res = await w.signedIn.get(authorizeUrl(w.baseQuery({ redirect_uri: redirectUri }))).expect(303);
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
      expectErrorPage(await w.signedIn.get(authorizeUrl(w.baseQuery({ redirect_uri: redirectUri }))));
    });

    it('keeps 127.0.0.1 and [::1] apart', async () => {
      const native = await w.t.createClient({
        name: 'IPv4 app',
        redirect_uris: [LOOPBACK_V4],
        token_endpoint_auth_method: 'none',
        ...codeFlow,
      });
      expectErrorPage(
        await w.signedIn.get(
          authorizeUrl(w.baseQuery({ client_id: native.client_id, redirect_uri: 'http://[::1]:51234/cb' })),
        ),
      );
      // The registered one with a port is accepted (the consent page: a public client is always asked).
      await w.signedIn
        .get(authorizeUrl(w.baseQuery({ client_id: native.client_id, redirect_uri: 'http://127.0.0.1:51234/cb' })))
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
      expectRedirectedError(await w.t.browser().get(authorizeUrl(w.baseQuery(overrides))), error, state);
    });

    it.each([['a b&c=d#e'], ['état ✓ 😀'], ['%41%'], ['"><script>alert(1)</script>'], ['x'.repeat(2048)]])(
      'echoes the state %p exactly',
      async (state) => {
        const res = await w.t.browser().get(authorizeUrl(w.baseQuery({ state, response_type: 'token' })));
        expectRedirectedError(res, 'unsupported_response_type', state);
        expectCleanHeaders(res);
      },
    );

    it('adds no state when the request had none', async () => {
      expectRedirectedError(
        await w.t.browser().get(authorizeUrl(w.baseQuery({ state: undefined, scope: 'admin' }))),
        'invalid_scope',
        null,
      );
    });

    it('keeps the query a redirect URI was registered with', async () => {
      const tenant = await w.t.createClient({ redirect_uris: ['https://partner.example/cb?tenant=a'], ...codeFlow });
      const res = await w.t
        .browser()
        .get(authorizeUrl(w.baseQuery({ client_id: tenant.client_id, redirect_uri: undefined, scope: 'admin' })))
        .expect(303);
      expect(res.headers.location.startsWith('https://partner.example/cb?tenant=a&')).toBe(true);
      expect(new URL(res.headers.location).searchParams.get('error')).toBe('invalid_scope');
    });

    it('answers a client not allowed the code grant with unauthorized_client', async () => {
      const machine = await w.t.createClient({
        redirect_uris: [REDIRECT],
        grant_types: ['client_credentials'],
        scope: 'openid',
      });
      expectRedirectedError(
        await w.t.browser().get(authorizeUrl(w.baseQuery({ client_id: machine.client_id }))),
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
      expectRedirectedError(await w.t.browser().get(authorizeUrl(w.baseQuery(overrides))), 'invalid_request', 'st');
    });

    it('refuses a public client without a challenge, and with plain', async () => {
      expectRedirectedError(
        await w.t.browser().get(
          authorizeUrl(
            w.baseQuery({
              client_id: w.publicClient.client_id,
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
        await w.t
          .browser()
          .get(authorizeUrl(w.baseQuery({ client_id: w.publicClient.client_id, code_challenge_method: 'plain' }))),
        'invalid_request',
        'st',
      );
    });

    it.each([[43], [128]])('accepts an S256 challenge of %i characters', async (length) => {
      const res = await w.t
        .browser()
        .get(authorizeUrl(w.baseQuery({ code_challenge: 'A'.repeat(length) })))
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
          await w.signedIn.get(authorizeUrl(w.baseQuery({ response_type: responseType, prompt }))),
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
      expect(await signIn(w.t.browser(), w.user.username, w.user.password, returnTo)).toBe('/');
    });

    it('sends the browser from the authorization endpoint to the login page with a return address inside the provider', async () => {
      const res = await w.t.browser().get(authorizeUrl(w.baseQuery())).expect(303);
      const returnTo = new URL(res.headers.location, ISSUER).searchParams.get('return_to')!;
      expect(res.headers.location.startsWith('/login?return_to=')).toBe(true);
      expect(returnTo.startsWith('/oauth/authorize?')).toBe(true);
    });

    it('refuses a post-logout redirect URI that is not registered, with the error page', async () => {
      const res = await w.t
        .browser()
        .get(
          `/logout?client_id=${w.partner.client_id}&post_logout_redirect_uri=${encodeURIComponent('https://evil.example/')}`,
        );
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
    });
  });
});
