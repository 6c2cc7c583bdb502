import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { authorize, pkcePair, signIn } from '../helpers/oauth-client';
import * as oauth from '../helpers/partner';
import { seriousViolations, WIDTHS } from './accessibility';
import {
  describeInBrowser,
  launchBrowser,
  openPage,
  screenshot,
  signInThroughPartner,
  Stack,
  startStack,
  User,
} from './browser-harness';

const FIREFOX_ON_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';

/** The account page in a real browser: the demo partner connected, then its access removed. */
describeInBrowser('browser: the account page', () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: () => string[];

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });
  beforeEach(async () => {
    ({ context, page, problems } = await openPage(browser));
  });
  afterEach(async () => {
    await context.close();
    expect(problems()).toEqual([]);
  });

  /**
   * Tokens the demo partner's client holds for the user, from a code this browser's session gets
   * at the authorization endpoint (consent is remembered by then): the partner app keeps its own
   * on its server, out of the test's reach.
   */
  async function partnerTokens(): Promise<{ access_token: string; refresh_token: string }> {
    const cookies = await context.cookies(stack.issuer);
    const agent = request.agent(stack.issuer).set('Cookie', cookies.map((c) => `${c.name}=${c.value}`).join('; '));
    const { verifier, challenge } = pkcePair();
    const redirectUri = `${stack.partnerUrl}/callback`;
    const location = await authorize(
      agent,
      {
        response_type: 'code',
        client_id: stack.client.client_id,
        redirect_uri: redirectUri,
        scope: 'openid profile offline_access',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      },
      { username: '', password: '' },
    );
    const code = location.searchParams.get('code')!;
    const tokens = await oauth
      .exchange(stack.issuer, stack.client, { code, verifier }, { redirect_uri: redirectUri })
      .expect(200);
    return tokens.body;
  }

  /** The user connected to the demo partner in this page, also signed in from another browser; ends on /account. */
  async function connectedUser(): Promise<User> {
    const user = await stack.createUser();
    await signInThroughPartner(page, stack, user);
    await signIn(request.agent(stack.issuer).set('User-Agent', FIREFOX_ON_WINDOWS), user.username, user.password);
    await page.goto(`${stack.issuer}/account`);
    return user;
  }

  it('shows the demo partner under Connected apps; Remove access ends its refresh token and access token', async () => {
    await connectedUser();
    const tokens = await partnerTokens();
    await page.reload();

    const apps = page.getByRole('region', { name: 'Connected apps' });
    expect(await apps.getByRole('heading', { level: 3 }).allTextContents()).toEqual([stack.partnerName]);
    expect(await apps.getByText('See your email address', { exact: true }).count()).toBe(1);
    await apps.getByRole('button', { name: 'Remove access' }).click();

    await page.waitForURL(`${stack.issuer}/account?done=app`);
    expect(await page.getByRole('status').textContent()).toBe('The application no longer has access to your account.');
    expect(await apps.getByRole('button', { name: 'Remove access' }).count()).toBe(0);
    oauth.expectOAuthError(await oauth.refresh(stack.issuer, stack.client, tokens.refresh_token), 400, 'invalid_grant');
    const introspection = await oauth.introspect(stack.issuer, stack.client, tokens.access_token).expect(200);
    expect(introspection.body).toEqual({ active: false });

    // The partner app itself finds its refresh token refused.
    await page.goto(stack.partnerUrl);
    await page.getByRole('button', { name: 'Refresh tokens' }).click();
    expect(await page.locator('#detail').textContent()).toMatch(/^invalid_grant/);
  });

  it('reaches every control with the keyboard alone, the focus visible on each, and Enter submits', async () => {
    const user = await connectedUser();
    const controls = await page.evaluate(() =>
      [...document.querySelectorAll('a[href], button, input:not([type=hidden])')].map((el, i) => {
        el.setAttribute('data-control', String(i));
        return `${el.tagName} ${el.id || el.textContent?.trim()}`;
      }),
    );
    expect(controls).toEqual(
      expect.arrayContaining([
        'BUTTON Remove access',
        'INPUT current_password',
        'INPUT new_password',
        'BUTTON Change password',
        'BUTTON Sign out',
        'BUTTON Sign out everywhere',
      ]),
    );
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        const style = getComputedStyle(el);
        return { key: el.getAttribute('data-control'), outline: `${style.outlineStyle} ${style.outlineWidth}` };
      });
    const reached = new Set<string>();
    for (let i = 0; i < controls.length + 2; i++) {
      await page.keyboard.press('Tab');
      const now = await focused();
      if (now.key === null) continue;
      reached.add(now.key);
      expect({ control: controls[Number(now.key)], outline: now.outline }).toEqual({
        control: controls[Number(now.key)],
        outline: 'solid 3px',
      });
    }
    expect([...reached].map((key) => controls[Number(key)]).sort()).toEqual([...controls].sort());

    // The password form by keyboard: into Current password, type, Tab, type, Tab, Enter.
    await page.getByLabel('Current password').focus();
    await page.keyboard.type(user.password);
    await page.keyboard.press('Tab');
    await page.keyboard.type('a brand new password');
    await page.keyboard.press('Tab');
    expect((await page.evaluate(() => document.activeElement?.textContent))?.trim()).toBe('Change password');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${stack.issuer}/account?done=password`);
    // The other browser's session ended; this one is the only one left.
    expect(await page.getByRole('button', { name: 'Sign out', exact: true }).count()).toBe(0);
  });

  it.each(Object.entries(WIDTHS))(
    'has no serious or critical accessibility violation, with and without an error (%s)',
    async (_width, viewport) => {
      await page.setViewportSize(viewport);
      await connectedUser();
      const scanned: Record<string, string[]> = { account: await seriousViolations(page) };
      await page.getByLabel('Current password').fill('not the password');
      await page.getByLabel('New password').fill('whatever');
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByRole('alert').waitFor();
      scanned['password refused'] = await seriousViolations(page);
      await page.getByRole('button', { name: 'Sign out', exact: true }).click();
      await page.waitForURL(`${stack.issuer}/account?done=session`);
      scanned['session signed out'] = await seriousViolations(page);
      await page.getByRole('button', { name: 'Sign out everywhere' }).click();
      await page.waitForURL(`${stack.issuer}/login?**`);

      expect(scanned).toEqual({ account: [], 'password refused': [], 'session signed out': [] });
    },
    // Three axe scans and a sign-in: slow beside the rest of the suite on a busy machine.
    60_000,
  );

  it('takes the account page at desktop size (docs/account.png with UPDATE_DOCS_SCREENSHOTS=1)', async () => {
    await page.setViewportSize({ width: 1000, height: 760 });
    await connectedUser();
    await page.getByRole('button', { name: 'Sign out everywhere' }).waitFor();
    const path = await screenshot(page, 'account-desktop');
    if (process.env.UPDATE_DOCS_SCREENSHOTS) {
      const docs = join(__dirname, '..', '..', 'docs');
      mkdirSync(docs, { recursive: true });
      copyFileSync(path, join(docs, 'account.png'));
    }
  });
});
