import { Browser, BrowserContext, Page } from 'playwright-core';
import {
  describeInBrowser,
  fillLogin,
  launchBrowser,
  openPage,
  screenshot,
  signInThroughPartner,
  Stack,
  startPartnerLogin,
  startStack,
  tableRows,
} from './browser-harness';

/** A partner's users, in a real browser: from the partner's "Log in with Provider" button and back. */
describeInBrowser('browser: signing in to a partner app', () => {
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
    // Every page of every test loaded under the provider's CSP with nothing refused and no script errors.
    expect(problems()).toEqual([]);
  });

  it('runs the demo flow: partner button, login, consent, then the ID token claims and userinfo at the partner', async () => {
    const user = await stack.createUser();
    await page.goto(stack.partnerUrl);
    await screenshot(page, 'partner-home');
    await page.getByRole('link', { name: 'Log in with Provider' }).click();

    // The provider's login page, reached through the authorization endpoint.
    await page.waitForURL(`${stack.issuer}/login?**`);
    expect(await page.title()).toBe('Sign in · Provider');
    await screenshot(page, 'login');
    await fillLogin(page, user.username, user.password);

    // Consent: the client's name and every scope in words.
    await page.waitForURL(`${stack.issuer}/oauth/authorize?**`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'Partner Demo wants to use your account',
    );
    const scopes = await page.locator('.scopes li .scope-description').allTextContents();
    expect(scopes).toEqual([
      'Sign you in with your account',
      'See your name and username',
      'See your email address',
      'Stay connected when you are not using it',
    ]);
    await screenshot(page, 'consent');
    await page.getByRole('button', { name: 'Allow' }).click();

    // Back at the partner, which exchanged the code (PKCE, state, nonce, iss checked by openid-client).
    await page.waitForURL(`${stack.partnerUrl}/`);
    expect(await page.locator('#who').textContent()).toBe('Ada Lovelace');
    const claims = await tableRows(page, 'claims-table');
    expect(claims).toMatchObject({ iss: stack.issuer, sub: user.id, aud: stack.client.client_id });
    expect(claims.nonce).toMatch(/^[\w-]{20,}$/);
    const userinfo = await tableRows(page, 'userinfo-table');
    expect(userinfo).toMatchObject({
      sub: user.id,
      name: 'Ada Lovelace',
      preferred_username: user.username,
      email: 'ada@example.com',
    });
    expect(await page.locator('#scope').textContent()).toBe('openid profile email offline_access');
    await screenshot(page, 'partner-signed-in');

    // Refresh: a new access token from the refresh_token grant, userinfo fetched with it.
    const before = await page.locator('#access-token-fingerprint').textContent();
    await page.getByRole('button', { name: 'Refresh tokens' }).click();
    await page.waitForURL(`${stack.partnerUrl}/`);
    await expect(page.getByRole('status').textContent()).resolves.toMatch(/^Tokens refreshed at /);
    expect(await page.locator('#refresh-count').textContent()).toBe('1 time');
    expect(await page.locator('#access-token-fingerprint').textContent()).not.toBe(before);
    expect(await tableRows(page, 'claims-table')).toMatchObject({ sub: user.id, iss: stack.issuer });
    expect(await tableRows(page, 'userinfo-table')).toMatchObject({ sub: user.id });
    await screenshot(page, 'partner-refreshed');
  });

  it('shows an error after a wrong password, stays on the provider, then signs in with the right one', async () => {
    const user = await stack.createUser();
    await startPartnerLogin(page, stack);
    await fillLogin(page, user.username, 'not the password');

    const alert = page.getByRole('alert');
    expect(await alert.textContent()).toBe('Incorrect username or password.');
    expect(new URL(page.url()).origin).toBe(stack.issuer);
    // The username field points at the message for assistive technology.
    expect(await page.getByLabel('Username').getAttribute('aria-describedby')).toBe('login-error');
    await screenshot(page, 'login-wrong-password');

    await fillLogin(page, user.username, user.password);
    await page.waitForURL(`${stack.issuer}/oauth/authorize?**`);
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${stack.partnerUrl}/`);
    expect(await tableRows(page, 'claims-table')).toMatchObject({ sub: user.id });
  });

  it('Deny sends the user back to the partner with access_denied and signs nobody in', async () => {
    const user = await stack.createUser();
    await startPartnerLogin(page, stack);
    await fillLogin(page, user.username, user.password);
    await page.waitForURL(`${stack.issuer}/oauth/authorize?**`);
    await page.getByRole('button', { name: 'Deny' }).click();

    await page.waitForURL(`${stack.partnerUrl}/callback?**`);
    const callback = new URL(page.url());
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('iss')).toBe(stack.issuer);
    expect(callback.searchParams.has('code')).toBe(false);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign-in cancelled');
    expect(await page.locator('#detail').textContent()).toMatch(/^access_denied/);
    await screenshot(page, 'partner-denied');

    await page.goto(stack.partnerUrl);
    await page.getByRole('link', { name: 'Log in with Provider' }).waitFor();
  });

  it('remembers consent: the second login goes straight back to the partner without asking again', async () => {
    const user = await stack.createUser();
    await signInThroughPartner(page, stack, user);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(`${stack.issuer}/logout?**`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${stack.partnerUrl}/logged-out`);

    // Second time: the password again (the provider session ended), but no consent page.
    const consentPages: string[] = [];
    page.on('response', (response) => {
      if (
        response.request().resourceType() === 'document' &&
        response.url().startsWith(`${stack.issuer}/oauth/authorize`)
      ) {
        if (response.status() === 200) consentPages.push(response.url());
      }
    });
    await startPartnerLogin(page, stack);
    await fillLogin(page, user.username, user.password);
    await page.waitForURL(`${stack.partnerUrl}/`);
    expect(consentPages).toEqual([]);
    expect(await tableRows(page, 'claims-table')).toMatchObject({ sub: user.id });
    await screenshot(page, 'remembered-consent');

    // And with the provider session still alive, a new login at the partner needs no page at all.
    await context.clearCookies({ name: 'partner_sid' });
    await page.goto(stack.partnerUrl);
    await page.getByRole('link', { name: 'Log in with Provider' }).click();
    await page.waitForURL(`${stack.partnerUrl}/`);
    expect(consentPages).toEqual([]);
    expect(await tableRows(page, 'userinfo-table')).toMatchObject({ sub: user.id });
  });

  it("shows markup in a user's name as text, at the provider and at the partner", async () => {
    const name = '<img src=x onerror="document.title=1">Eve';
    const user = await stack.createUser({ name });
    await signInThroughPartner(page, stack, user);
    expect(await page.locator('#who').textContent()).toBe(name);
    expect(await tableRows(page, 'userinfo-table')).toMatchObject({ name });
    expect(await page.locator('main img').count()).toBe(0);
    await page.goto(stack.issuer);
    expect(await page.locator('main').textContent()).toContain(name);
    expect(await page.locator('main img').count()).toBe(0);
  });

  it('logs out at both (RP-initiated logout) and ends at the partner', async () => {
    const user = await stack.createUser();
    await signInThroughPartner(page, stack, user);
    await page.getByRole('button', { name: 'Log out' }).click();

    // The provider asks, with the request's parameters carried by its form.
    await page.waitForURL(`${stack.issuer}/logout?**`);
    const logoutRequest = new URL(page.url());
    expect(logoutRequest.searchParams.get('post_logout_redirect_uri')).toBe(`${stack.partnerUrl}/logged-out`);
    expect(logoutRequest.searchParams.get('id_token_hint')).toEqual(expect.any(String));
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign out');
    await screenshot(page, 'logout-confirmation');
    await page.getByRole('button', { name: 'Sign out' }).click();

    await page.waitForURL(`${stack.partnerUrl}/logged-out`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('You are logged out');
    await screenshot(page, 'partner-logged-out');

    // Signed out at the partner...
    await page.goto(stack.partnerUrl);
    await page.getByRole('link', { name: 'Log in with Provider' }).waitFor();
    // ...and at the provider: its home page sends the browser to the login page.
    await page.goto(stack.issuer);
    expect(new URL(page.url()).pathname).toBe('/login');
  });
});
