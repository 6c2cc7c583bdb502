import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Response } from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { SessionEntity } from '../src/auth/session.entity';
import { ClientWithSecret } from '../src/clients/clients.service';
import { sha256 } from '../src/common/crypto/tokens';
import { createTestApp, TestApp, uniqueName } from './helpers/create-test-app';
import { authorizeUrl, hiddenFields, pkcePair, signIn } from './helpers/oauth-client';

const REDIRECT = 'https://partner.example/callback';
const PROVIDER = 'http://provider.test';

/** The last `sid` cookie a response sets, as the raw Set-Cookie line. */
function sessionCookieLine(res: Response): string | undefined {
  const lines = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return lines.filter((line) => line.startsWith('sid=')).pop();
}

/** The value of the `sid` cookie a response sets. */
function sidOf(res: Response): string {
  const line = sessionCookieLine(res);
  if (!line) throw new Error(`expected a sid cookie, got ${JSON.stringify(res.headers['set-cookie'])}`);
  return line.split(';')[0].slice('sid='.length);
}

/** The attributes of a Set-Cookie line, lower-cased, without the name=value pair. */
function cookieAttributes(line: string): string[] {
  return line
    .split(';')
    .slice(1)
    .map((part) => part.trim().toLowerCase());
}

/** A Location a browser would resolve to a page of this provider, whatever quirks it applies. */
function staysInsideProvider(location: string): boolean {
  return (
    location.startsWith('/') &&
    !location.startsWith('//') &&
    !/[\\\x00-\x20\x7f]/.test(location) &&
    new URL(location, PROVIDER).origin === PROVIDER
  );
}

/** Each role="alert" element's text on a page. */
function alerts(html: string): string[] {
  return [...html.matchAll(/<[^>]+role="alert"[^>]*>([^<]*)</g)].map((m) => m[1].trim());
}

function expectNoCode(res: Response): void {
  expect(res.headers.location ?? '').not.toContain('code=');
}

describe('login, consent and sessions', () => {
  let t: TestApp;
  let client: ClientWithSecret;
  let user: Awaited<ReturnType<TestApp['createUser']>>;

  beforeAll(async () => {
    t = await createTestApp();
    client = await t.createClient({ name: '<script>alert(1)</script>', redirect_uris: [REDIRECT] });
    user = await t.createUser();
  });
  afterAll(() => t.close());

  function consentUrl(): string {
    return authorizeUrl({
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: REDIRECT,
      scope: 'openid profile',
      state: 'st',
      // Always the consent page: an earlier Allow in this file is remembered otherwise.
      prompt: 'consent',
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'S256',
    });
  }

  /** A browser signed in as `user`, and the sid its login set. */
  async function signedInBrowser(): Promise<{ browser: TestAgent; sid: string }> {
    const browser = t.browser();
    const page = await browser.get('/login').expect(200);
    const res = await browser
      .post('/login')
      .type('form')
      .send({ ...hiddenFields(page.text), username: user.username, password: user.password })
      .expect(303);
    return { browser, sid: sidOf(res) };
  }

  /** Whether a bare request carrying only this sid is signed in. */
  async function isSignedIn(sid: string): Promise<boolean> {
    const res = await t.http().get('/').set('Cookie', `sid=${sid}`);
    if (res.status === 303) {
      expect(res.headers.location).toBe('/login');
      return false;
    }
    expect(res.status).toBe(200);
    expect(res.text).toContain(user.username);
    return true;
  }

  /**
   * Keeps requests with this sid in flight (as other tabs would) until `action` is over, so that
   * some start before it and end after it; resolves when all have ended, with `action`'s result.
   */
  async function keepUsing<T>(sid: string, action: Promise<T>): Promise<T> {
    let done = false;
    const result = Promise.resolve(action).finally(() => (done = true));
    const tab = async () => {
      while (!done) await t.http().get('/').set('Cookie', `sid=${sid}`);
    };
    await Promise.all(Array.from({ length: 8 }, tab));
    return result;
  }

  /** The hidden fields of the consent form a signed-in browser is shown. */
  async function consentForm(browser: TestAgent): Promise<Record<string, string>> {
    const page = await browser.get(consentUrl()).expect(200);
    return hiddenFields(page.text);
  }

  describe('login page', () => {
    it('labels the Username and Password inputs with <label for> matching their ids and offers a Sign in button', async () => {
      const res = await t.http().get('/login').expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      for (const [label, type] of [
        ['Username', 'text'],
        ['Password', 'password'],
      ]) {
        const labelFor = new RegExp(`<label for="([^"]+)">${label}</label>`).exec(res.text);
        expect(labelFor).not.toBeNull();
        const input = new RegExp(`<input [^>]*id="${labelFor![1]}"[^>]*>`).exec(res.text);
        expect(input).not.toBeNull();
        expect(input![0]).toContain(`type="${type}"`);
      }
      expect(res.text).toMatch(/<button type="submit">Sign in<\/button>/);
    });

    it('answers a wrong password and an unknown username alike: the page again, 401, one alert, not signed in', async () => {
      const messages: string[] = [];
      for (const username of [user.username, uniqueName('nobody')]) {
        const browser = t.browser();
        const page = await browser.get('/login?return_to=%2Fsome%2Fpage').expect(200);
        const res = await browser
          .post('/login')
          .type('form')
          .send({ ...hiddenFields(page.text), username, password: 'wrong password' })
          .expect(401);
        expect(res.headers['content-type']).toMatch(/^text\/html/);
        expect(res.text).toMatch(/<label for="username">Username<\/label>/);
        expect(hiddenFields(res.text).return_to).toBe('/some/page');
        const shown = alerts(res.text);
        expect(shown).toHaveLength(1);
        messages.push(shown[0]);
        await browser.get('/').expect(303).expect('Location', '/login');
      }
      expect(messages[0]).toBeTruthy();
      expect(messages[1]).toBe(messages[0]);
    });

    it('refuses a username or password sent twice like a wrong one, not with a server error', async () => {
      const browser = t.browser();
      const page = await browser.get('/login').expect(200);
      const { _csrf, return_to } = hiddenFields(page.text);
      const body = new URLSearchParams({ _csrf, return_to });
      body.append('username', user.username);
      body.append('username', user.username);
      body.append('password', user.password);
      body.append('password', user.password);
      const res = await browser.post('/login').type('form').send(body.toString()).expect(401);
      expect(alerts(res.text)).toHaveLength(1);
      await browser.get('/').expect(303).expect('Location', '/login');
    });

    it('refuses a missing password like a wrong one', async () => {
      const browser = t.browser();
      const page = await browser.get('/login').expect(200);
      const res = await browser
        .post('/login')
        .type('form')
        .send({ ...hiddenFields(page.text), username: user.username })
        .expect(401);
      expect(alerts(res.text)).toHaveLength(1);
      await browser.get('/').expect(303).expect('Location', '/login');
    });
  });

  describe('return address after login', () => {
    it('redirects with 303 to an internal return_to, query included', async () => {
      const returnTo = '/oauth/authorize?client_id=abc&scope=openid%20profile';
      const location = await signIn(t.browser(), user.username, user.password, returnTo);
      expect(location).toBe(returnTo);
    });

    it('redirects to / without a return_to', async () => {
      const browser = t.browser();
      const page = await browser.get('/login').expect(200);
      const fields = hiddenFields(page.text);
      delete fields.return_to;
      const res = await browser
        .post('/login')
        .type('form')
        .send({ ...fields, username: user.username, password: user.password })
        .expect(303);
      expect(res.headers.location).toBe('/');
    });

    const hostile: Array<[string, string]> = [
      ['an absolute URL', 'https://evil.example/x'],
      ['a protocol-relative URL', '//evil.example'],
      ['three slashes', '///evil.example'],
      ['a slash and a backslash', '/\\evil.example'],
      ['two backslashes', '\\\\evil.example'],
      ['a backslash inside the path', '/ok\\..\\\\evil.example'],
      ['a javascript: URL', 'javascript:alert(document.cookie)'],
      ['a JavaScript: URL in mixed case', 'JaVaScRiPt:alert(1)'],
      ['a data: URL', 'data:text/html,<script>alert(1)</script>'],
      ['a scheme with one slash', 'https:/evil.example'],
      ['a scheme without slashes', 'http:evil.example'],
      ['a bare host name', 'evil.example'],
      ['an encoded protocol-relative URL', '%2F%2Fevil.example'],
      ['an encoded backslash pair', '%5C%5Cevil.example'],
      ['a leading space', ' //evil.example'],
      ['a tab between the slashes', '/\t/evil.example'],
      ['a newline between the slashes', '/\n/evil.example'],
      ['CR LF header injection', '/\r\nSet-Cookie: sid=attacker'],
      ['a NUL byte', '/\x00/evil.example'],
      ['a dot segment that collapses to //', '/.//evil.example'],
      ['a dot-dot segment that collapses to //', '/a/..//evil.example'],
      ['an encoded dot-dot segment that collapses to //', '/%2e%2e//evil.example'],
      ['an encoded dot segment that collapses to //', '/%2E//evil.example'],
      ['a very long value', `/${'a'.repeat(5000)}`],
    ];

    it.each(hostile)('keeps %s inside the provider when it comes through the login page', async (_, returnTo) => {
      const location = await signIn(t.browser(), user.username, user.password, returnTo);
      expect(staysInsideProvider(location)).toBe(true);
      expect(location).toBe('/');
    });

    it.each(hostile)('keeps %s inside the provider when it is posted with the form', async (_, returnTo) => {
      const browser = t.browser();
      const page = await browser.get('/login').expect(200);
      const res = await browser
        .post('/login')
        .type('form')
        .send({ ...hiddenFields(page.text), return_to: returnTo, username: user.username, password: user.password })
        .expect(303);
      expect(staysInsideProvider(res.headers.location)).toBe(true);
      expect(res.headers.location).toBe('/');
    });

    it.each([
      ['an encoded double slash after the first', '/%2F%2Fevil.example'],
      ['an at sign', '/@evil.example'],
      ['a colon in the path', '/a:b'],
    ])('keeps the internal path with %s as given', async (_, returnTo) => {
      const location = await signIn(t.browser(), user.username, user.password, returnTo);
      expect(location).toBe(returnTo);
      expect(staysInsideProvider(location)).toBe(true);
    });

    it('escapes HTML in the return address it writes into the login form', async () => {
      const res = await t
        .http()
        .get(`/login?return_to=${encodeURIComponent('/x?a="><script>alert(1)</script>')}`)
        .expect(200);
      expect(res.text).not.toContain('<script>');
      expect(res.text).not.toMatch(/value="[^"]*"><script/);
    });
  });

  describe('CSRF', () => {
    it('refuses a login without _csrf with 403 and does not sign in', async () => {
      const browser = t.browser();
      await browser.get('/login').expect(200);
      const res = await browser
        .post('/login')
        .type('form')
        .send({ username: user.username, password: user.password })
        .expect(403);
      expect(sessionCookieLine(res)).toBeUndefined();
      await browser.get('/').expect(303).expect('Location', '/login');
    });

    it('refuses a login from a browser that never loaded the form with 403', async () => {
      const res = await t
        .http()
        .post('/login')
        .type('form')
        .send({ _csrf: 'forged', username: user.username, password: user.password })
        .expect(403);
      expect(sessionCookieLine(res)).toBeUndefined();
    });

    it('refuses a login carrying the token of another browser with 403 and does not sign in', async () => {
      const attacker = t.browser();
      const attackerPage = await attacker.get('/login').expect(200);
      const victim = t.browser();
      await victim.get('/login').expect(200);
      const res = await victim
        .post('/login')
        .type('form')
        .send({ ...hiddenFields(attackerPage.text), username: user.username, password: user.password })
        .expect(403);
      expect(sessionCookieLine(res)).toBeUndefined();
      await victim.get('/').expect(303).expect('Location', '/login');
    });

    it('shows a page, not JSON, when the login form is refused', async () => {
      const res = await t
        .http()
        .post('/login')
        .type('form')
        .send({ username: user.username, password: user.password })
        .expect(403);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(alerts(res.text)).toHaveLength(1);
    });

    it('refuses a consent decision without _csrf with 403 and issues no code', async () => {
      const { browser } = await signedInBrowser();
      const { _csrf, ...fields } = await consentForm(browser);
      expect(_csrf).toBeTruthy();
      const res = await browser
        .post('/oauth/authorize')
        .type('form')
        .send({ ...fields, decision: 'allow' })
        .expect(403);
      expectNoCode(res);
    });

    it('refuses a consent decision carrying the token of another signed-in session with 403 and issues no code', async () => {
      const { browser: attacker } = await signedInBrowser();
      const attackerToken = (await consentForm(attacker))._csrf;
      const { browser: victim } = await signedInBrowser();
      const fields = await consentForm(victim);
      const res = await victim
        .post('/oauth/authorize')
        .type('form')
        .send({ ...fields, _csrf: attackerToken, decision: 'allow' })
        .expect(403);
      expectNoCode(res);
    });

    it('refuses a consent decision carrying the token of the session before login with 403', async () => {
      const browser = t.browser();
      const page = await browser.get('/login').expect(200);
      const tokenBeforeLogin = hiddenFields(page.text)._csrf;
      await browser
        .post('/login')
        .type('form')
        .send({ ...hiddenFields(page.text), username: user.username, password: user.password })
        .expect(303);
      const fields = await consentForm(browser);
      const res = await browser
        .post('/oauth/authorize')
        .type('form')
        .send({ ...fields, _csrf: tokenBeforeLogin, decision: 'allow' })
        .expect(403);
      expectNoCode(res);
    });

    it('never grants consent on a GET, whatever the query says', async () => {
      const fresh = await t.createClient({ redirect_uris: [REDIRECT] });
      const { browser } = await signedInBrowser();
      const url = authorizeUrl({
        response_type: 'code',
        client_id: fresh.client_id,
        redirect_uri: REDIRECT,
        scope: 'openid',
        code_challenge: pkcePair().challenge,
        code_challenge_method: 'S256',
        decision: 'allow',
      });
      const res = await browser.get(url).expect(200);
      expectNoCode(res);
      expect(res.text).toMatch(/>Allow</);
    });

    it('still issues a code for the genuine form after refused attempts', async () => {
      const { browser } = await signedInBrowser();
      const fields = await consentForm(browser);
      await browser
        .post('/oauth/authorize')
        .type('form')
        .send({ ...fields, _csrf: 'x', decision: 'allow' })
        .expect(403);
      const res = await browser
        .post('/oauth/authorize')
        .type('form')
        .send({ ...fields, decision: 'allow' })
        .expect(303);
      expect(new URL(res.headers.location).searchParams.get('code')).toEqual(expect.any(String));
    });

    it('refuses a logout without _csrf with 403 and the session stays signed in', async () => {
      const { browser, sid } = await signedInBrowser();
      const res = await browser.post('/logout').type('form').send({}).expect(403);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(await isSignedIn(sid)).toBe(true);
      await browser.get('/').expect(200);
    });

    it('refuses a logout carrying the token of another session with 403 and the session stays signed in', async () => {
      const { browser: attacker } = await signedInBrowser();
      const attackerToken = hiddenFields((await attacker.get('/').expect(200)).text)._csrf;
      const { browser: victim, sid } = await signedInBrowser();
      await victim.post('/logout').type('form').send({ _csrf: attackerToken }).expect(403);
      expect(await isSignedIn(sid)).toBe(true);
    });
  });

  describe('sessions', () => {
    it('makes a session only at login: the login page sets no session cookie, signing in sets one', async () => {
      const browser = t.browser();
      const page = await browser.get('/login').expect(200);
      expect(sessionCookieLine(page)).toBeUndefined();
      const res = await browser
        .post('/login')
        .type('form')
        .send({ ...hiddenFields(page.text), username: user.username, password: user.password })
        .expect(303);
      expect(await isSignedIn(sidOf(res))).toBe(true);
    });

    it('kills the previous signed-in session when the user signs in again', async () => {
      const { browser, sid: first } = await signedInBrowser();
      const page = await browser.get('/login').expect(200);
      const res = await browser
        .post('/login')
        .type('form')
        .send({ ...hiddenFields(page.text), username: user.username, password: user.password })
        .expect(303);
      const second = sidOf(res);
      expect(second).not.toBe(first);
      expect(await isSignedIn(second)).toBe(true);
      expect(await isSignedIn(first)).toBe(false);
    });

    it('kills the previous signed-in session at login even when requests using it were in flight', async () => {
      const { browser, sid: first } = await signedInBrowser();
      const page = await browser.get('/login').expect(200);
      const login = browser
        .post('/login')
        .type('form')
        .send({ ...hiddenFields(page.text), username: user.username, password: user.password });
      const second = sidOf(await keepUsing(first, login.expect(303)));
      expect(await isSignedIn(second)).toBe(true);
      expect(await isSignedIn(first)).toBe(false);
    });

    it('stores only the SHA-256 of the session id: the table names no cookie that signs in', async () => {
      const { sid } = await signedInBrowser();
      // The cookie is the session id and its signature (@fastify/session): `id.signature`.
      const id = decodeURIComponent(sid).split('.')[0];
      const sessions = t.app.get(DataSource).getRepository(SessionEntity);
      expect(await sessions.existsBy({ id })).toBe(false);
      expect(await sessions.existsBy({ id: sha256(id) })).toBe(true);
    });

    it('ignores a session id the browser made up (no fixation)', async () => {
      const res = await t.http().get('/login').set('Cookie', 'sid=attacker-chosen-id').expect(200);
      expect(sidOf(res)).not.toContain('attacker-chosen-id');
    });

    it('destroys the session on the server at logout: the cookie captured before is not signed in', async () => {
      const { browser, sid } = await signedInBrowser();
      const home = await browser.get('/').expect(200);
      await browser.post('/logout').type('form').send(hiddenFields(home.text)).expect(303).expect('Location', '/login');
      await browser.get('/').expect(303).expect('Location', '/login');
      expect(await isSignedIn(sid)).toBe(false);
    });

    it('keeps a logged-out session dead even when requests using it were in flight during logout', async () => {
      const { browser, sid } = await signedInBrowser();
      const token = hiddenFields((await browser.get('/').expect(200)).text)._csrf;
      await keepUsing(sid, browser.post('/logout').type('form').send({ _csrf: token }).expect(303));
      expect(await isSignedIn(sid)).toBe(false);
    });

    it('sets the session cookie HttpOnly, SameSite=Lax, Path=/ and not Secure on an http issuer', async () => {
      const { browser } = await signedInBrowser();
      const page = await browser.get('/login').expect(200);
      const res = await browser
        .post('/login')
        .type('form')
        .send({ ...hiddenFields(page.text), username: user.username, password: user.password })
        .expect(303);
      const attributes = cookieAttributes(sessionCookieLine(res)!);
      expect(attributes).toContain('httponly');
      expect(attributes).toContain('samesite=lax');
      expect(attributes).toContain('path=/');
      expect(attributes).not.toContain('secure');
    });
  });

  describe('pages cannot be framed', () => {
    function expectNoFraming(res: Response): void {
      expect(res.headers['content-security-policy']).toMatch(/(^|;)\s*frame-ancestors 'none'\s*(;|$)/);
      expect(res.headers['x-frame-options']).toBe('DENY');
    }

    it('the login page', async () => {
      expectNoFraming(await t.http().get('/login').expect(200));
    });

    it('the login page after a failed attempt', async () => {
      const browser = t.browser();
      const page = await browser.get('/login').expect(200);
      expectNoFraming(
        await browser
          .post('/login')
          .type('form')
          .send({ ...hiddenFields(page.text), username: 'x', password: 'y' })
          .expect(401),
      );
    });

    it('the consent page', async () => {
      const { browser } = await signedInBrowser();
      expectNoFraming(await browser.get(consentUrl()).expect(200));
    });

    it('the error page', async () => {
      const res = await t
        .http()
        .get(authorizeUrl({ response_type: 'code', client_id: 'no-such-client', redirect_uri: REDIRECT }))
        .expect(400);
      expect(res.text).toContain('This request cannot be completed');
      expectNoFraming(res);
    });

    it('the page of a refused form', async () => {
      expectNoFraming(await t.http().post('/login').type('form').send({}).expect(403));
    });
  });

  describe('escaping', () => {
    it('escapes a client name with HTML on the consent page', async () => {
      const { browser } = await signedInBrowser();
      const page = await browser.get(consentUrl()).expect(200);
      expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(page.text).not.toContain('<script>');
    });

    it('escapes a client_id with HTML on the error page', async () => {
      const res = await t
        .http()
        .get(authorizeUrl({ response_type: 'code', client_id: '<script>alert(1)</script>', redirect_uri: REDIRECT }))
        .expect(400);
      expect(res.text).not.toContain('<script>');
    });

    it('escapes a username with HTML on the signed-in page', async () => {
      const odd = await t.createUser({ username: `<img src=x onerror=alert(1)>${uniqueName('u')}` });
      const browser = t.browser();
      await signIn(browser, odd.username, odd.password);
      const home = await browser.get('/').expect(200);
      expect(home.text).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
      expect(home.text).not.toContain('<img');
    });
  });

  describe('authorization endpoint without a session', () => {
    it('issues no code for a POST without a session', async () => {
      const { browser } = await signedInBrowser();
      const fields = await consentForm(browser);
      const res = await t
        .http()
        .post('/oauth/authorize')
        .type('form')
        .send({ ...fields, decision: 'allow' });
      expect(res.status).toBe(401);
      expectNoCode(res);
    });

    it('issues no code for a POST from an anonymous session with its own valid CSRF token', async () => {
      const { browser } = await signedInBrowser();
      const fields = await consentForm(browser);
      const anonymous = t.browser();
      const page = await anonymous.get('/login').expect(200);
      const res = await anonymous
        .post('/oauth/authorize')
        .type('form')
        .send({ ...fields, _csrf: hiddenFields(page.text)._csrf, decision: 'allow' });
      expect(res.status).toBe(401);
      expectNoCode(res);
    });
  });
});

describe('session cookie under an https issuer', () => {
  let t: TestApp;
  let user: Awaited<ReturnType<TestApp['createUser']>>;

  beforeAll(async () => {
    t = await createTestApp({ ISSUER: 'https://id.example' });
    user = await t.createUser();
  });
  afterAll(() => t.close());

  it('signs in behind a TLS-terminating proxy on this host with a Secure, HttpOnly, SameSite=Lax cookie', async () => {
    // Cookies are set by hand: supertest's jar rightly keeps Secure cookies off plain-http requests.
    const page = await t.http().get('/login').set('X-Forwarded-Proto', 'https').expect(200);
    const csrfCookie = ([] as string[]).concat(page.headers['set-cookie'] ?? []).map((line) => line.split(';')[0]);
    const res = await t
      .http()
      .post('/login')
      .set('X-Forwarded-Proto', 'https')
      .set('Cookie', csrfCookie)
      .type('form')
      .send({ ...hiddenFields(page.text), username: user.username, password: user.password })
      .expect(303);
    const line = sessionCookieLine(res)!;
    const attributes = cookieAttributes(line);
    expect(attributes).toContain('secure');
    expect(attributes).toContain('httponly');
    expect(attributes).toContain('samesite=lax');
    expect(attributes).toContain('path=/');
    const home = await t
      .http()
      .get('/')
      .set('X-Forwarded-Proto', 'https')
      .set('Cookie', `sid=${sidOf(res)}`)
      .expect(200);
    expect(home.text).toContain(user.username);
  });

  it('never hands out a session cookie without Secure, even over a plain connection', async () => {
    const res = await t.http().get('/login').expect(200);
    for (const line of ([] as string[]).concat(res.headers['set-cookie'] ?? [])) {
      expect(cookieAttributes(line)).toContain('secure');
    }
  });
});

describe('sessions across a restart', () => {
  it('keeps a signed-in session when the app restarts on the same database file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'login-e2e-'));
    const env = { DATABASE_URL: `sqlite:${join(dir, 'provider.sqlite')}` };
    try {
      const first = await createTestApp(env);
      let sid: string;
      let username: string;
      try {
        const user = await first.createUser();
        username = user.username;
        const browser = first.browser();
        const page = await browser.get('/login').expect(200);
        const res = await browser
          .post('/login')
          .type('form')
          .send({ ...hiddenFields(page.text), username, password: user.password })
          .expect(303);
        sid = sidOf(res);
        await browser.get('/').expect(200);
      } finally {
        await first.close();
      }
      const second = await createTestApp(env);
      try {
        const home = await second.http().get('/').set('Cookie', `sid=${sid}`).expect(200);
        expect(home.text).toContain(username);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
