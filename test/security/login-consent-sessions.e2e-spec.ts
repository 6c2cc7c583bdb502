import TestAgent from 'supertest/lib/agent';
import type { Response } from 'supertest';
import { ApisService } from '../../src/apis/apis.service';
import { authorizeUrl, hiddenFields, signIn } from '../helpers/oauth-client';
import { createTestApp, uniqueName } from '../helpers/create-test-app';
import { REDIRECT, codeFlow, expectRedirectedError, sidOf, cookiesOf, useSecurityWorld } from './world';

/* Items of the checklist in docs/security.md, fired at the running provider. */

describe('Login, consent, sessions (docs/security.md, Checklist)', () => {
  const w = useSecurityWorld();

  describe('19. login, consent and logout POSTs need the session’s CSRF token; a GET never grants consent', () => {
    async function consentForm(): Promise<{ browser: TestAgent; fields: Record<string, string> }> {
      const browser = w.t.browser();
      await signIn(browser, w.user.username, w.user.password);
      const page = await browser.get(authorizeUrl(w.baseQuery({ prompt: 'consent' }))).expect(200);
      return { browser, fields: hiddenFields(page.text) };
    }

    it('refuses a consent POST without, with an empty, or with another session’s token: 403 and no code', async () => {
      const before = await w.rows('authorization_codes', w.partner.client_id);
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
      expect(await w.rows('authorization_codes', w.partner.client_id)).toBe(before);
    });

    it('never grants consent on a GET', async () => {
      const fresh = await w.t.createClient({ redirect_uris: [REDIRECT], ...codeFlow });
      const res = await w.signedIn
        .get(authorizeUrl(w.baseQuery({ client_id: fresh.client_id, decision: 'allow', _csrf: 'x' })))
        .expect(200);
      expect(res.text).toMatch(/>Allow</);
      expect(await w.rows('authorization_codes', fresh.client_id)).toBe(0);
    });

    it('refuses a login and a logout without the token with 403', async () => {
      await w.t
        .http()
        .post('/login')
        .type('form')
        .send({ username: w.user.username, password: w.user.password })
        .expect(403);
      const browser = w.t.browser();
      await signIn(browser, w.user.username, w.user.password);
      await browser.post('/logout').type('form').send({}).expect(403);
      await browser.get('/').expect(200);
    });
  });

  describe('20. the session id changes at login and the old one is dead; logout kills the session on the server', () => {
    it('regenerates at login and destroys at logout', async () => {
      const browser = w.t.browser();
      const signIn = async () => {
        const page = await browser.get('/login').expect(200);
        const login = await browser
          .post('/login')
          .type('form')
          .send({ ...hiddenFields(page.text), username: w.user.username, password: w.user.password })
          .expect(303);
        return sidOf(login)!;
      };
      const before = await signIn();
      const after = await signIn();
      expect(after).not.toBe(before);
      await w.t.http().get('/').set('Cookie', `sid=${before}`).expect(303);
      const home = await w.t.http().get('/').set('Cookie', `sid=${after}`).expect(200);
      await w.t
        .http()
        .post('/logout')
        .set('Cookie', [`sid=${after}`, ...cookiesOf(home)])
        .type('form')
        .send({ _csrf: hiddenFields(home.text)._csrf })
        .expect(303);
      await w.t.http().get('/').set('Cookie', `sid=${after}`).expect(303);
    });
  });

  describe('21. login, consent and error pages cannot be framed', () => {
    it('sends frame-ancestors none and X-Frame-Options DENY', async () => {
      const pages = [
        await w.t.http().get('/login').expect(200),
        await w.signedIn.get(authorizeUrl(w.baseQuery({ prompt: 'consent' }))).expect(200),
        await w.t
          .http()
          .get(authorizeUrl(w.baseQuery({ client_id: 'nope' })))
          .expect(400),
      ];
      for (const res of pages) {
        expect(res.headers['content-security-policy']).toMatch(/(^|;)\s*frame-ancestors 'none'\s*(;|$)/);
        expect(res.headers['x-frame-options']).toBe('DENY');
      }
    });
  });

  describe('24. client names and everything else echoed into a page are HTML-escaped', () => {
    it('escapes the client name, scope names and descriptions and request values on the consent page, and client_id on the error page', async () => {
      const scope = `<img/src=x/onerror=alert(2)>${uniqueName('')}`;
      await w.t.app.get(ApisService).create({
        identifier: `https://${uniqueName('evil')}.example`,
        name: 'Evil API',
        scopes: [{ name: scope, description: '<svg onload=alert(6)>' }],
      });
      const evil = await w.t.createClient({
        name: '<script>alert(1)</script>',
        redirect_uris: [REDIRECT],
        grant_types: ['authorization_code'],
        scope: `openid ${scope}`,
      });
      const page = await w.signedIn
        .get(
          authorizeUrl(
            w.baseQuery({
              client_id: evil.client_id,
              scope: `openid ${scope}`,
              state: '"><script>alert(3)</script>',
              nonce: "'><svg onload=alert(4)>",
            }),
          ),
        )
        .expect(200);
      expect(page.text).not.toMatch(/<script>alert|<img\/src|<svg/);
      expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(page.text).toContain('&lt;svg onload&#x3D;alert(6)&gt;');
      expect(hiddenFields(page.text).state).toBe('"><script>alert(3)</script>');
      const error = await w.t
        .http()
        .get(authorizeUrl(w.baseQuery({ client_id: '<script>alert(5)</script>' })))
        .expect(400);
      expect(error.text).not.toContain('<script>alert');
    });

    it('escapes a username on the signed-in page and return_to on the login page', async () => {
      const odd = await w.t.createUser({ username: `<b>${uniqueName('u')}</b>` });
      const browser = w.t.browser();
      await signIn(browser, odd.username, odd.password);
      expect((await browser.get('/').expect(200)).text).not.toContain('<b>');
      const login = await w.t
        .http()
        .get(`/login?return_to=${encodeURIComponent('/x"><script>alert(1)</script>')}`)
        .expect(200);
      expect(login.text).not.toContain('<script>alert');
    });
  });

  describe('25. a public client’s earlier consent is not reused silently', () => {
    it('asks again, and prompt=none gets consent_required', async () => {
      await w.codeFor(w.publicClient);
      await w.signedIn.get(authorizeUrl(w.baseQuery({ client_id: w.publicClient.client_id }))).expect(200);
      expectRedirectedError(
        await w.signedIn.get(authorizeUrl(w.baseQuery({ client_id: w.publicClient.client_id, prompt: 'none' }))),
        'consent_required',
        'st',
      );
    });
  });
});

/*
 * An app of its own per case, started after the shared one is closed: passport keeps one global
 * registry of strategies, so a second app alive beside the first would take over its login strategy.
 */
describe('Login, consent, sessions, on apps of their own (docs/security.md, Checklist)', () => {
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
});
