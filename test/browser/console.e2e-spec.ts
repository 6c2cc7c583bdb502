import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { uniqueName } from '../helpers/create-test-app';
import { ageSignIn, consolePages, testApiId } from '../helpers/console';
import { freePort } from '../helpers/free-port';
import { issueCode } from '../helpers/issue-code';
import * as oauth from '../helpers/partner';
import {
  describeInBrowser,
  fillLogin,
  launchBrowser,
  openPage,
  screenshot,
  signInThroughPartner,
  Stack,
  startPartner,
  startPartnerLogin,
  startStack,
  tableRows,
  User,
} from './browser-harness';
import { seriousViolations, WIDTHS } from './accessibility';

/** The admin console as an administrator meets it, and as everyone else does not. */
describeInBrowser('browser: the admin console', () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: () => string[];
  let admin: User;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
    admin = await stack.provider.createUser({ username: uniqueName('admin'), isAdmin: true });
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
    // Every console page loaded under the provider's CSP, its script included, with nothing refused.
    expect(problems()).toEqual([]);
  });

  /** Opens the console, signing in on the way as a person does. */
  async function openConsole(p: Page, user: User): Promise<void> {
    await p.goto(`${stack.issuer}/console`);
    await p.waitForURL(`${stack.issuer}/login?**`);
    await fillLogin(p, user.username, user.password);
    await p.waitForURL(`${stack.issuer}/console/clients`);
  }

  /** Registers a client through the console's form; ends on the page that shows its secret. */
  async function registerClient(p: Page, name: string, redirectUri: string): Promise<{ id: string; secret: string }> {
    await p.goto(`${stack.issuer}/console/clients`);
    await p.getByRole('link', { name: 'Register a client' }).click();
    await p.getByLabel('Name', { exact: true }).fill(name);
    await p.getByLabel('Redirect URIs', { exact: true }).fill(redirectUri);
    await p.getByLabel('Scopes').fill('openid profile email offline_access');
    await p.getByRole('button', { name: 'Register client' }).click();
    await p.getByText('it is not shown again').waitFor();
    return {
      id: (await p.locator('#client-id').textContent())!,
      secret: (await p.locator('#client-secret').textContent())!,
    };
  }

  it('registers a client in the console, with which the demo partner app then signs a user in', async () => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.issuer });
    await openConsole(page, admin);
    const partnerPort = await freePort();
    const name = uniqueName('Console Partner');
    const client = await registerClient(page, name, `http://127.0.0.1:${partnerPort}/callback`);

    // The copy button (a script from /assets) puts the secret on the clipboard.
    await page.getByRole('button', { name: 'Copy secret' }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(client.secret);

    // Shown once: the client's own page has no secret.
    await page.getByRole('link', { name: 'Continue to the client' }).click();
    expect(await page.content()).not.toContain(client.secret);

    const partner = await startPartner(
      stack.issuer,
      { client_id: client.id, client_secret: client.secret },
      partnerPort,
      name,
    );
    try {
      const user = await stack.createUser();
      const other = await openPage(browser);
      await signInThroughPartner(other.page, { ...stack, partnerUrl: partner.url }, user);
      expect(await tableRows(other.page, 'claims-table')).toMatchObject({ sub: user.id });
      await other.context.close();
      expect(other.problems()).toEqual([]);
    } finally {
      await partner.close();
    }
  });

  it('disables a user: their next sign-in is refused and their refresh token stops working', async () => {
    const user = await stack.createUser();
    const app = await stack.provider.createClient({
      grant_types: ['authorization_code', 'refresh_token'],
      scope: 'openid offline_access',
    });
    const code = await issueCode(stack.provider.app, app.client_id, user.id, 'openid offline_access');
    const tokens = await oauth.exchange(stack.provider.http(), app, code).expect(200);
    const refreshToken = (tokens.body as { refresh_token: string }).refresh_token;

    await openConsole(page, admin);
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByLabel('Search by username, name or email').fill(user.username);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: user.username }).click();
    await page.getByRole('button', { name: 'Disable user' }).click();
    await page.getByRole('status').waitFor();
    expect(await page.locator('.facts').textContent()).toContain('Disabled');

    const other = await openPage(browser);
    await startPartnerLogin(other.page, stack);
    await fillLogin(other.page, user.username, user.password);
    await other.page.getByRole('alert').waitFor();
    expect(new URL(other.page.url()).pathname).toBe('/login');
    await other.context.close();

    const refused = await oauth.refresh(stack.provider.http(), app, refreshToken).expect(400);
    expect(refused.body).toMatchObject({ error: 'invalid_grant' });
  });

  it('shows a signed-in user who is not an administrator a 403 page on every console page', async () => {
    const user = await stack.createUser();
    await page.goto(`${stack.issuer}/login`);
    await fillLogin(page, user.username, user.password);
    await page.waitForURL(`${stack.issuer}/`);
    expect(await page.getByRole('link', { name: 'Admin console' }).count()).toBe(0);
    for (const path of consolePages(stack.client.client_id, user.id, await testApiId(stack.provider))) {
      const response = await page.goto(`${stack.issuer}${path}`);
      expect([path, response?.status()]).toEqual([path, 403]);
      expect(await page.getByRole('alert').textContent()).toBe('The admin console is for administrators only.');
    }
  });

  /** How many visible controls the page has, and how many of them Tab alone reaches. */
  async function reachedByTab(): Promise<{ controls: number; reached: number }> {
    const controls = await page.evaluate(() => {
      const all = [...document.querySelectorAll<HTMLElement>('a[href], button, input, select, textarea')].filter(
        (el) =>
          !(el as HTMLInputElement).hidden &&
          (el as HTMLInputElement).type !== 'hidden' &&
          el.getClientRects().length > 0,
      );
      all.forEach((el, i) => el.setAttribute('data-control', String(i)));
      return all.length;
    });
    const reached = new Set<string>();
    // A date and time field takes a Tab for each of its parts; a scrolling table one for itself.
    for (let i = 0; i < controls * 6 + 10 && reached.size < controls; i++) {
      await page.keyboard.press('Tab');
      const at = await page.evaluate(() => document.activeElement?.getAttribute('data-control'));
      if (at) reached.add(at);
    }
    return { controls, reached: reached.size };
  }

  it('reaches every control of every console page with the keyboard alone', async () => {
    await openConsole(page, admin);
    const user = await stack.createUser();
    // /console itself leads to the clients list.
    for (const path of consolePages(stack.client.client_id, user.id, await testApiId(stack.provider)).slice(1)) {
      await page.goto(`${stack.issuer}${path}`);
      const { controls, reached } = await reachedByTab();
      expect([path, reached]).toEqual([path, controls]);
    }

    // Search and open a client with Tab, typing and Enter only.
    await page.goto(`${stack.issuer}/console/clients`);
    while ((await page.evaluate(() => document.activeElement?.id)) !== 'q') await page.keyboard.press('Tab');
    await page.keyboard.type(stack.client.client_id);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${stack.issuer}/console/clients?q=**`);
    while ((await page.evaluate(() => document.activeElement?.textContent)) !== stack.partnerName) {
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Enter');
    await page.waitForURL(`${stack.issuer}/console/clients/${stack.client.client_id}`);
  }, 60_000);

  // Axe scans a dozen pages here, a few seconds each.
  for (const [width, viewport] of Object.entries(WIDTHS)) {
    it(`has no serious accessibility violations on any console page at ${width} width`, async () => {
      await page.setViewportSize(viewport);
      await openConsole(page, admin);
      const user = await stack.createUser();
      for (const [i, path] of consolePages(stack.client.client_id, user.id, await testApiId(stack.provider))
        .slice(1)
        .entries()) {
        await page.goto(`${stack.issuer}${path}`);
        expect([path, await seriousViolations(page)]).toEqual([path, []]);
        await screenshot(page, `console-${width}-${i}`);
      }
      // The pages a form leads to: a secret shown once, a form refused, a sensitive action asking for the password.
      await registerClient(page, uniqueName('Scanned'), 'https://partner.example/callback');
      expect(['secret', await seriousViolations(page)]).toEqual(['secret', []]);
      await page.goto(`${stack.issuer}/console/clients/new`);
      await page.getByLabel('Name', { exact: true }).fill('Refused');
      await page.getByLabel('Redirect URIs', { exact: true }).fill('https://partner.example/*');
      await page.getByRole('button', { name: 'Register client' }).click();
      await page.getByRole('alert').first().waitFor();
      expect(['refused', await seriousViolations(page)]).toEqual(['refused', []]);
      await ageSignIn(stack.provider, admin.id, 600);
      for (const path of ['/console/keys/rotate', `/console/users/${user.id}`]) {
        await page.goto(`${stack.issuer}${path}`);
        await page.getByLabel('Your password').first().waitFor();
        expect([path, await seriousViolations(page)]).toEqual([path, []]);
      }
    }, 120_000);
  }

  it('takes the clients list at desktop size (docs/console-clients.png with UPDATE_DOCS_SCREENSHOTS=1)', async () => {
    await page.setViewportSize({ width: 1200, height: 800 });
    // A few clients of the kinds an operator registers, so that the list shows what it is for.
    await stack.provider.createClient({ name: 'Billing Dashboard', scope: 'openid profile email' });
    await stack.provider.createClient({
      name: 'Mobile App',
      token_endpoint_auth_method: 'none',
      redirect_uris: ['com.example.app:/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
    });
    await stack.provider.createClient({
      name: 'Reports Service',
      grant_types: ['client_credentials'],
      redirect_uris: [],
    });
    await openConsole(page, admin);
    await page.locator('#clients-table').waitFor();
    const path = await screenshot(page, 'console-clients-desktop');
    if (process.env.UPDATE_DOCS_SCREENSHOTS) {
      const docs = join(__dirname, '..', '..', 'docs');
      mkdirSync(docs, { recursive: true });
      copyFileSync(path, join(docs, 'console-clients.png'));
    }
  });
});
