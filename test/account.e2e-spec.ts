import type { Response } from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { AuditEventEntity } from '../src/audit/audit-event.entity';
import { ClientWithSecret } from '../src/clients/clients.service';
import { UsersService } from '../src/users/users.service';
import { DataSource } from 'typeorm';
import { createTestApp, TestApp } from './helpers/create-test-app';
import { authorize, hiddenFields, pkcePair, signIn } from './helpers/oauth-client';
import * as oauth from './helpers/partner';
import { alerts } from './helpers/sign-in-attempt';

interface Tokens {
  access_token: string;
  refresh_token: string;
}

type User = Awaited<ReturnType<TestApp['createUser']>>;

const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';
const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/** The account page: /account, its forms, and what each does to the user's password, apps and sessions. */
describe('the account page', () => {
  let t: TestApp;
  let partner: ClientWithSecret;

  beforeAll(async () => {
    t = await createTestApp();
    partner = await t.createClient({
      name: 'Partner <Notes>',
      grant_types: ['authorization_code', 'refresh_token'],
      scope: 'openid profile email',
    });
  });
  afterAll(() => t?.close());

  /** A browser signed in as the user through the login page. */
  async function signedIn(user: User, userAgent = CHROME): Promise<TestAgent> {
    const browser = t.browser().set('User-Agent', userAgent);
    await signIn(browser, user.username, user.password);
    return browser;
  }

  /** The user connects the partner from this signed-in browser (consent, code, tokens). */
  async function connect(browser: TestAgent, user: User): Promise<Tokens> {
    const { verifier, challenge } = pkcePair();
    const location = await authorize(
      browser,
      {
        response_type: 'code',
        client_id: partner.client_id,
        redirect_uri: oauth.PARTNER_REDIRECT,
        scope: 'openid profile email',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      },
      user,
    );
    const code = location.searchParams.get('code')!;
    return (await oauth.exchange(t.http(), partner, { code, verifier }).expect(200)).body as Tokens;
  }

  /** Posts a form of the account page, with the page's own CSRF token unless `csrf` says otherwise. */
  async function post(browser: TestAgent, action: string, fields: object = {}, csrf?: string): Promise<Response> {
    const page = await browser.get('/account').expect(200);
    const token = csrf ?? hiddenFields(page.text)._csrf;
    return browser
      .post(action)
      .type('form')
      .send({ ...(token === '' ? {} : { _csrf: token }), ...fields });
  }

  const accountPage = (browser: TestAgent) => browser.get('/account');
  const stillSignedIn = async (browser: TestAgent) => (await accountPage(browser)).status === 200;
  const passwordWorks = async (user: User, password: string) =>
    !!(await t.app.get(UsersService).verifyCredentials(user.username, password));
  const sessionIds = (html: string) =>
    [...html.matchAll(/action="\/account\/sessions\/([0-9a-f]{64})\/sign-out"/g)].map((m) => m[1]);

  async function expectTokensLive(tokens: Tokens): Promise<void> {
    expect((await oauth.introspect(t.http(), partner, tokens.access_token).expect(200)).body.active).toBe(true);
  }

  async function expectTokensDead(tokens: Tokens): Promise<void> {
    oauth.expectOAuthError(await oauth.refresh(t.http(), partner, tokens.refresh_token), 400, 'invalid_grant');
    expect((await oauth.introspect(t.http(), partner, tokens.access_token).expect(200)).body).toEqual({
      active: false,
    });
  }

  describe('signed out', () => {
    it('sends a visitor to the login page, coming back to /account', async () => {
      const res = await t.http().get('/account').expect(303);
      expect(res.headers.location).toBe('/login?return_to=%2Faccount');
      const user = await t.createUser();
      const browser = t.browser();
      expect(await signIn(browser, user.username, user.password, '/account')).toBe('/account');
      expect((await accountPage(browser)).status).toBe(200);
    });

    it.each(['/account/password', '/account/sign-out-everywhere', '/account/apps/x/remove'])(
      'refuses a form posted to %s without a session',
      async (action) => {
        const res = await t.http().post(action).type('form').send({ _csrf: 'x' });
        expect(res.status).toBe(401);
        expect(res.headers['content-type']).toMatch(/^text\/html/);
      },
    );
  });

  describe('the page', () => {
    it('shows the profile, the forms with their labels, and cannot be framed or cached', async () => {
      const user = await t.createUser({ name: 'Ada Lovelace', email: 'ada@example.com' });
      const browser = await signedIn(user);
      await connect(browser, user);
      const res = await accountPage(browser).expect(200);

      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['cache-control']).toBe('no-store');
      for (const text of ['Ada Lovelace', 'ada@example.com', user.username]) expect(res.text).toContain(text);
      expect(res.text).toContain('<h2 id="apps-heading">Connected apps</h2>');
      // The partner's name escaped, its permissions in the consent page's words.
      expect(res.text).toContain('Partner &lt;Notes&gt;');
      expect(res.text).not.toContain('Partner <Notes>');
      expect(res.text).toContain('See your email address');
      expect(res.text).toMatch(/>Remove access<\/button>/);
      expect(res.text).toContain('<label for="current_password">Current password</label>');
      expect(res.text).toContain('<label for="new_password">New password</label>');
      expect(res.text).toMatch(/<button type="submit">Change password<\/button>/);
      expect(res.text).toMatch(/>Sign out everywhere<\/button>/);
      expect(res.text).toContain('Chrome on Linux <span class="chip">This device</span>');
    });
  });

  describe('CSRF', () => {
    it.each<[string, string]>([
      ['missing', ''],
      ['wrong', 'not-the-token'],
    ])('refuses every form with a %s token: 403 page, nothing changed', async (_, csrf) => {
      const user = await t.createUser();
      const browser = await signedIn(user);
      const other = await signedIn(user, FIREFOX);
      const tokens = await connect(browser, user);
      const [otherSession] = sessionIds((await accountPage(browser)).text);

      const forms: [string, object][] = [
        ['/account/password', { current_password: user.password, new_password: 'a brand new one' }],
        [`/account/apps/${partner.client_id}/remove`, {}],
        [`/account/sessions/${otherSession}/sign-out`, {}],
        ['/account/sign-out-everywhere', {}],
      ];
      for (const [action, fields] of forms) {
        const res = await post(browser, action, fields, csrf);
        expect({ action, status: res.status }).toEqual({ action, status: 403 });
        expect(res.headers['content-type']).toMatch(/^text\/html/);
      }
      expect(await passwordWorks(user, user.password)).toBe(true);
      await expectTokensLive(tokens);
      expect(await stillSignedIn(other)).toBe(true);
      expect(await stillSignedIn(browser)).toBe(true);
    });
  });

  describe('changing the password', () => {
    it('refuses a wrong current password: the page again, 400, with why; nothing changed', async () => {
      const user = await t.createUser();
      const browser = await signedIn(user);
      const other = await signedIn(user, FIREFOX);

      const res = await post(browser, '/account/password', { current_password: 'wrong', new_password: 'new one' });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(alerts(res.text)).toEqual(['The current password is not right.']);
      expect(res.text).toContain('aria-describedby="password-error"');
      expect(await passwordWorks(user, user.password)).toBe(true);
      expect(await passwordWorks(user, 'new one')).toBe(false);
      expect(await stillSignedIn(other)).toBe(true);

      const empty = await post(browser, '/account/password', { current_password: user.password, new_password: '' });
      expect(empty.status).toBe(400);
      expect(alerts(empty.text)).toEqual(['The new password must not be empty.']);
      const long = await post(browser, '/account/password', {
        current_password: user.password,
        new_password: 'x'.repeat(1025),
      });
      expect(long.status).toBe(400);
      expect(await passwordWorks(user, user.password)).toBe(true);
    });

    it('holds back guessing of the current password as the login page does (429 with Retry-After)', async () => {
      const user = await t.createUser();
      const browser = await signedIn(user);
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) {
        const res = await post(browser, '/account/password', { current_password: `guess ${i}`, new_password: 'x' });
        statuses.push(res.status);
        if (res.status === 429) expect(res.headers['retry-after']).toMatch(/^[1-9]\d*$/);
      }
      // The username's back-off (LOGIN_BACKOFF_AFTER) holds the guesses back, as at the login page.
      expect(statuses).toEqual([400, 400, 400, 400, 429, 429, 429]);
      // Even the right password waits its turn, and nothing changed.
      const right = await post(browser, '/account/password', { current_password: user.password, new_password: 'x' });
      expect(right.status).toBe(429);
      expect(await passwordWorks(user, user.password)).toBe(true);
    });

    it('changes it: the other sessions end, this one stays, connected apps keep their access', async () => {
      const user = await t.createUser();
      const browser = await signedIn(user);
      const other = await signedIn(user, FIREFOX);
      const tokens = await connect(browser, user);

      const res = await post(browser, '/account/password', {
        current_password: user.password,
        new_password: 'a brand new one',
      });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/account?done=password');
      const page = await browser.get(res.headers.location).expect(200);
      expect(page.text).toMatch(/role="status">Your password is changed/);
      expect(await stillSignedIn(other)).toBe(false);
      expect(await passwordWorks(user, 'a brand new one')).toBe(true);
      expect(await passwordWorks(user, user.password)).toBe(false);
      await expectTokensLive(tokens);

      const audited = await t.app
        .get(DataSource)
        .getRepository(AuditEventEntity)
        .findBy({ type: 'user.updated', userId: user.id });
      expect(audited.map((e) => e.actor)).toEqual([`user:${user.id}`]);
    });
  });

  describe('connected apps', () => {
    it('removes access: the refresh token gets invalid_grant, the access token introspects inactive, consent is asked again', async () => {
      const user = await t.createUser();
      const browser = await signedIn(user);
      const [first, second] = [await connect(browser, user), await connect(browser, user)];

      const res = await post(browser, `/account/apps/${partner.client_id}/remove`);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/account?done=app');
      await expectTokensDead(first);
      await expectTokensDead(second);
      const page = await accountPage(browser).expect(200);
      expect(page.text).not.toContain('Partner &lt;Notes&gt;');
      expect(page.text).toContain('No application has access to your account.');
      // Removing it again (a second click) changes nothing more.
      expect((await post(browser, `/account/apps/${partner.client_id}/remove`)).status).toBe(303);

      // The consent is gone too: the next authorization shows the consent page.
      const { challenge } = pkcePair();
      const again = await browser.get(
        `/oauth/authorize?${new URLSearchParams({
          response_type: 'code',
          client_id: partner.client_id,
          redirect_uri: oauth.PARTNER_REDIRECT,
          scope: 'openid',
          code_challenge: challenge,
          code_challenge_method: 'S256',
        })}`,
      );
      expect(again.status).toBe(200);
      expect(again.text).toMatch(/>Allow<\/button>/);
    });

    it('leaves another user’s access to the same partner alone', async () => {
      const [user, neighbour] = [await t.createUser(), await t.createUser()];
      const browser = await signedIn(user);
      await connect(browser, user);
      const theirs = await connect(await signedIn(neighbour), neighbour);
      expect((await post(browser, `/account/apps/${partner.client_id}/remove`)).status).toBe(303);
      await expectTokensLive(theirs);
    });
  });

  describe('sessions', () => {
    it('lists the sessions with this one marked, and signs out another one at once', async () => {
      const user = await t.createUser();
      const browser = await signedIn(user);
      const other = await signedIn(user, FIREFOX);
      const page = (await accountPage(browser).expect(200)).text;
      expect(page).toContain('Firefox on Windows');
      expect(page.match(/This device/g)).toHaveLength(1);
      const [otherSession] = sessionIds(page);

      const res = await post(browser, `/account/sessions/${otherSession}/sign-out`);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/account?done=session');
      expect(await stillSignedIn(other)).toBe(false);
      expect(await stillSignedIn(browser)).toBe(true);
      expect((await accountPage(browser)).text).not.toContain('Firefox on Windows');
    });

    it('will not sign out another user’s session', async () => {
      const [user, neighbour] = [await t.createUser(), await t.createUser()];
      const browser = await signedIn(user);
      const theirs = await signedIn(neighbour, FIREFOX);
      const [theirSession] = sessionIds((await accountPage(await signedIn(neighbour))).text);
      const res = await post(browser, `/account/sessions/${theirSession}/sign-out`);
      expect(res.status).toBe(404);
      expect(await stillSignedIn(theirs)).toBe(true);
    });

    it('signs out everywhere, this browser too, and sends it to the login page', async () => {
      const user = await t.createUser();
      const browser = await signedIn(user);
      const other = await signedIn(user, FIREFOX);

      const res = await post(browser, '/account/sign-out-everywhere');
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/login?return_to=%2Faccount');
      expect(await stillSignedIn(browser)).toBe(false);
      expect(await stillSignedIn(other)).toBe(false);
    });
  });
});
