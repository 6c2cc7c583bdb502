import { copyFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { pkcePair } from '../helpers/oauth-client';
import {
  closeServer,
  describeInBrowser,
  fillLogin,
  launchBrowser,
  listen,
  openPage,
  screenshot,
  Stack,
  startPartnerLogin,
  startStack,
  tableRows,
  watch,
} from './browser-harness';
import { seriousViolations, WIDTHS } from './accessibility';

const PHONE = { width: 360, height: 640 };

/** The provider's pages as a person meets them: errors, framing, the CSP, a phone, a keyboard. */
describeInBrowser('browser: the provider pages', () => {
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

  function authorizeUrl(overrides: Record<string, string>): string {
    const params = new URLSearchParams({
      response_type: 'code',
      client_id: stack.client.client_id,
      redirect_uri: `${stack.partnerUrl}/callback`,
      scope: 'openid profile',
      state: 'some-state',
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'S256',
      ...overrides,
    });
    return `${stack.issuer}/oauth/authorize?${params}`;
  }

  /** Whether the page is wider than the screen (a horizontal scroll bar on a phone). */
  const scrollsSideways = (p: Page) =>
    p.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);

  it('shows the error page for a redirect URI that is not registered, and the browser stays on the provider', async () => {
    const elsewhere: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(stack.issuer)) elsewhere.push(request.url());
    });
    const response = await page.goto(authorizeUrl({ redirect_uri: 'https://attacker.example/callback' }));
    expect(response?.status()).toBe(400);
    await page.waitForLoadState('networkidle');

    expect(new URL(page.url()).origin).toBe(stack.issuer);
    expect(elsewhere).toEqual([]);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('This request cannot be completed');
    expect(await page.getByRole('alert').textContent()).toMatch(/not registered/);
    await screenshot(page, 'error-bad-redirect-uri');

    // An unknown client_id: the same page, no redirect either.
    const unknown = await page.goto(authorizeUrl({ client_id: 'no-such-client' }));
    expect(unknown?.status()).toBe(400);
    expect(new URL(page.url()).origin).toBe(stack.issuer);
    expect(await page.getByRole('alert').isVisible()).toBe(true);
    expect(elsewhere).toEqual([]);
  });

  it('will not show the login or error page inside a frame on another origin', async () => {
    const attacker = createServer((req, res) => {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end(`<!doctype html><html lang="en"><title>Win a prize</title>
        <iframe id="login" src="${stack.issuer}/login" width="600" height="500"></iframe>
        <iframe id="error" src="${authorizeUrl({ client_id: 'no-such-client' })}" width="600" height="500"></iframe>`);
    });
    const attackerUrl = await listen(attacker);
    try {
      const framedResponses: number[] = [];
      page.on('response', (r) => {
        if (r.url().startsWith(stack.issuer) && r.request().resourceType() === 'document')
          framedResponses.push(r.status());
      });
      await page.goto(attackerUrl);
      await page.waitForLoadState('networkidle');
      // The provider did answer both frames...
      expect(framedResponses.sort()).toEqual([200, 400]);
      // ...but Chromium rendered neither: no frame holds the provider's page, its form or its message.
      const frames = page.frames().filter((f) => f !== page.mainFrame());
      expect(frames).toHaveLength(2);
      for (const frame of frames) {
        expect(frame.url()).not.toMatch(new RegExp(`^${stack.issuer}`));
        expect(await frame.getByLabel('Username').count()).toBe(0);
        expect(await frame.getByRole('button', { name: 'Sign in' }).count()).toBe(0);
        expect(await frame.getByText('This request cannot be completed').count()).toBe(0);
      }
      await screenshot(page, 'framed-login-blocked');
      // Chromium says why, once per frame; that, and the error page's own 400, is all it reports.
      const reported = problems();
      expect(reported.filter((line) => /Framing .* violates .*"frame-ancestors 'none'"/s.test(line))).toHaveLength(2);
      for (const line of reported) {
        expect(line).toMatch(
          /frame-ancestors 'none'|Failed to load resource: the server responded with a status of 400/,
        );
      }
      problems = () => [];
    } finally {
      await closeServer(attacker);
    }
  });

  it('renders every page under the CSP with its stylesheet, and no console errors anywhere', async () => {
    const user = await stack.createUser();
    const csp: string[] = [];
    page.on('response', (r) => {
      if (r.url().startsWith(stack.issuer) && r.request().resourceType() === 'document') {
        csp.push(r.headers()['content-security-policy'] ?? '');
      }
    });
    const styled = async () => {
      // The stylesheet applied: the card's rounded corners come only from provider.css.
      expect(await page.locator('main.card').evaluate((el) => getComputedStyle(el).borderTopLeftRadius)).toBe('14px');
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
    };

    await startPartnerLogin(page, stack); // login page
    await styled();
    await fillLogin(page, user.username, 'wrong'); // login page with its error
    await styled();
    await fillLogin(page, user.username, user.password); // consent page
    await page.waitForURL(`${stack.issuer}/oauth/authorize?**`);
    await styled();
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${stack.partnerUrl}/`);
    await page.goto(stack.issuer); // the signed-in home page
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Signed in');
    await styled();
    await screenshot(page, 'provider-home');
    await page.goto(authorizeUrl({ redirect_uri: 'https://attacker.example/cb' })); // error page
    await styled();
    await page.goto(`${stack.issuer}/logout`); // sign-out confirmation
    await styled();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${stack.issuer}/login`);
    await styled();

    expect(csp.length).toBeGreaterThanOrEqual(7);
    for (const policy of csp) {
      expect(policy).toContain("default-src 'none'");
      expect(policy).toContain("frame-ancestors 'none'");
      expect(policy).not.toContain('unsafe-inline');
    }
  });

  it.each(Object.entries(WIDTHS))(
    'has no serious or critical accessibility violation on the login, consent, home, error and sign-out pages (%s)',
    async (_width, viewport) => {
      await page.setViewportSize(viewport);
      const user = await stack.createUser();
      const scanned: Record<string, string[]> = {};
      const scan = async (name: string) => (scanned[name] = await seriousViolations(page));

      await startPartnerLogin(page, stack);
      await scan('login');
      await fillLogin(page, user.username, 'wrong');
      await scan('login with its error');
      await fillLogin(page, user.username, user.password);
      await page.waitForURL(`${stack.issuer}/oauth/authorize?**`);
      await scan('consent');
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForURL(`${stack.partnerUrl}/`);
      await page.goto(stack.issuer);
      await scan('home');
      await page.goto(authorizeUrl({ redirect_uri: 'https://attacker.example/cb' }));
      await scan('error');
      await page.goto(`${stack.issuer}/logout`);
      await scan('sign-out');

      expect(scanned).toEqual(Object.fromEntries(Object.keys(scanned).map((name) => [name, []])));
    },
    60_000,
  );

  it('fits a 360x640 phone: no sideways scrolling, Sign in visible, consent buttons on screen', async () => {
    await context.close();
    context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    page = await context.newPage();
    problems = watch(page);
    const user = await stack.createUser();

    await page.goto(stack.partnerUrl);
    expect(await scrollsSideways(page)).toBe(false);
    await page.getByRole('link', { name: 'Log in with Provider' }).click();
    await page.waitForURL(`${stack.issuer}/login?**`);

    expect(await scrollsSideways(page)).toBe(false);
    const signIn = page.getByRole('button', { name: 'Sign in' });
    const box = (await signIn.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
    expect(box.y + box.height).toBeLessThanOrEqual(PHONE.height); // visible without scrolling
    expect(box.height).toBeGreaterThanOrEqual(44); // a comfortable touch target
    await screenshot(page, 'phone-login');

    await fillLogin(page, user.username, user.password);
    await page.waitForURL(`${stack.issuer}/oauth/authorize?**`);
    expect(await scrollsSideways(page)).toBe(false);
    for (const name of ['Allow', 'Deny']) {
      const button = page.getByRole('button', { name });
      await button.scrollIntoViewIfNeeded();
      const b = (await button.boundingBox())!;
      expect(b.x).toBeGreaterThanOrEqual(0);
      expect(b.x + b.width).toBeLessThanOrEqual(PHONE.width);
      expect(b.height).toBeGreaterThanOrEqual(44);
    }
    await screenshot(page, 'phone-consent');
    await page.getByRole('button', { name: 'Allow' }).tap();

    await page.waitForURL(`${stack.partnerUrl}/`);
    expect(await scrollsSideways(page)).toBe(false);
    expect(await tableRows(page, 'claims-table')).toMatchObject({ sub: user.id });
    await screenshot(page, 'phone-partner-signed-in');
  }, 60_000);

  it('signs in with the keyboard alone (Tab and Enter), with the focus visible on the way', async () => {
    const user = await stack.createUser();
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        const style = el ? getComputedStyle(el) : null;
        return {
          id: el?.id ?? '',
          text: el?.textContent?.trim() ?? '',
          outline: style ? `${style.outlineStyle} ${style.outlineWidth}` : '',
        };
      });
    /** Presses Tab until the element with this text has the focus; fails after a few. */
    const tabTo = async (text: string) => {
      for (let i = 0; i < 10; i++) {
        await page.keyboard.press('Tab');
        const now = await focused();
        if (now.text === text) return now;
      }
      throw new Error(`Tab never reached "${text}"`);
    };

    await page.goto(stack.partnerUrl);
    expect((await tabTo('Log in with Provider')).outline).toBe('solid 3px');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${stack.issuer}/login?**`);

    // The login page puts the focus in the Username field; Tab goes on to Password, Enter submits.
    expect((await focused()).id).toBe('username');
    await page.keyboard.type(user.username);
    await page.keyboard.press('Tab');
    expect((await focused()).id).toBe('password');
    await page.keyboard.type(user.password);
    await page.keyboard.press('Tab');
    const signIn = await focused();
    expect(signIn.text).toBe('Sign in');
    expect(signIn.outline).toBe('solid 3px');
    await screenshot(page, 'keyboard-login-focus');
    await page.keyboard.press('Enter');

    await page.waitForURL(`${stack.issuer}/oauth/authorize?**`);
    expect((await tabTo('Allow')).outline).toBe('solid 3px');
    await screenshot(page, 'keyboard-consent-focus');
    await page.keyboard.press('Enter');

    await page.waitForURL(`${stack.partnerUrl}/`);
    expect(await tableRows(page, 'claims-table')).toMatchObject({ sub: user.id });
  });

  it('takes the consent page at desktop size (docs/consent.png with UPDATE_DOCS_SCREENSHOTS=1)', async () => {
    await page.setViewportSize({ width: 1000, height: 760 });
    const user = await stack.createUser();
    await startPartnerLogin(page, stack);
    await fillLogin(page, user.username, user.password);
    await page.waitForURL(`${stack.issuer}/oauth/authorize?**`);
    await page.getByRole('button', { name: 'Allow' }).waitFor();
    const path = await screenshot(page, 'consent-desktop');
    if (process.env.UPDATE_DOCS_SCREENSHOTS) {
      const docs = join(__dirname, '..', '..', 'docs');
      mkdirSync(docs, { recursive: true });
      copyFileSync(path, join(docs, 'consent.png'));
    }
    // The rest of the flow, so that the page's Allow really works at this size too.
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${stack.partnerUrl}/`);
  });
});
