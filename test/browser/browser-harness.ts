import { mkdirSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { ClientWithSecret } from '../../src/clients/clients.service';
import { createTestApp, TestApp, uniqueName } from '../helpers/create-test-app';
import { freePort } from '../helpers/free-port';
import { CHROMIUM, describeWith } from '../helpers/requirements';
// The example partner app, exactly as `npm run demo` runs it.
import { createPartnerApp } from '../../examples/partner-app/app.js';

/**
 * Browser tests: Debian's Chromium driven by playwright-core, against the provider listening on a
 * real port and the example partner app on another. Without /usr/bin/chromium they are skipped, loudly
 * (CI installs it, and fails without it: helpers/requirements.ts); everything else about them is the same on SQLite and MySQL.
 */
export const describeInBrowser = (title: string, fn: () => void) => describeWith('browser', title, fn);

export const SCREENSHOTS = join(__dirname, '..', '..', 'artifacts', 'screenshots');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

export function listen(server: Server, port = 0): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export type User = Awaited<ReturnType<TestApp['createUser']>>;

/** The provider and the partner app, both listening, with the partner registered as the demo client is. */
export interface Stack {
  provider: TestApp;
  issuer: string;
  partnerUrl: string;
  partnerName: string;
  client: ClientWithSecret;
  createUser(overrides?: { name?: string; email?: string }): Promise<User>;
  close(): Promise<void>;
}

/** The example partner app, listening on `port`, signing its users in at `issuer` as `client`. */
export interface PartnerApp {
  url: string;
  close(): Promise<void>;
}

export async function startPartner(
  issuer: string,
  client: { client_id: string; client_secret?: string },
  port: number,
  appName: string,
): Promise<PartnerApp> {
  const url = `http://127.0.0.1:${port}`;
  const partnerErrors: unknown[] = [];
  const partner = createServer(
    createPartnerApp({
      issuer,
      clientId: client.client_id,
      clientSecret: client.client_secret,
      baseUrl: url,
      appName,
      log: (error: unknown) => partnerErrors.push(error),
    }),
  );
  await listen(partner, port);
  return { url, close: () => closeServer(partner) };
}

export async function startStack(): Promise<Stack> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = await createTestApp({ ISSUER: issuer, PORT: String(port) });
  await provider.app.listen(port, '127.0.0.1');

  const partnerPort = await freePort();
  const partnerUrl = `http://127.0.0.1:${partnerPort}`;
  const partnerName = 'Partner Demo';
  const client = await provider.createClient({
    name: partnerName,
    grant_types: ['authorization_code', 'refresh_token'],
    scope: 'openid profile email offline_access',
    redirect_uris: [`${partnerUrl}/callback`],
    post_logout_redirect_uris: [`${partnerUrl}/logged-out`],
  });
  const partner = await startPartner(issuer, client, partnerPort, partnerName);

  return {
    provider,
    issuer,
    partnerUrl,
    partnerName,
    client,
    createUser: (overrides = {}) =>
      provider.createUser({
        username: uniqueName('ada'),
        name: 'Ada Lovelace',
        email: 'ada@example.com',
        ...overrides,
      }),
    async close() {
      await partner.close();
      await provider.close();
    },
  };
}

/**
 * What went wrong in a page that a person would not see: console errors and warnings (Chromium
 * reports CSP violations there), uncaught exceptions, and failed subresources (stylesheet, icon).
 * A page answered with an error status on purpose (a 401 login page, a 400 error page) is the
 * test's own business: Chromium's "Failed to load resource" line for that document is not counted.
 */
export function watch(page: Page): () => string[] {
  const documents = new Set<string>();
  const messages: { text: string; url: string; line: string }[] = [];
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      const line = `console ${message.type()} on ${page.url()}: ${message.text()}`;
      messages.push({ text: message.text(), url: message.location().url, line });
    }
  });
  page.on('pageerror', (error) => problems.push(`page error on ${page.url()}: ${error.message}`));
  page.on('response', (response) => {
    const type = response.request().resourceType();
    if (type === 'document') documents.add(`${response.status()} ${response.url()}`);
    else if (response.status() >= 400) problems.push(`${type} ${response.url()} answered ${response.status()}`);
  });
  return () => [
    ...problems,
    ...messages
      .filter(({ text, url }) => {
        const status = /^Failed to load resource: the server responded with a status of (\d+)/.exec(text)?.[1];
        return !(status && documents.has(`${status} ${url}`));
      })
      .map((m) => m.line),
  ];
}

/** A fresh browser profile (no cookies) with one page, and the page's problems. */
export async function openPage(
  browser: Browser,
  viewport = { width: 1024, height: 768 },
): Promise<{ context: BrowserContext; page: Page; problems: () => string[] }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  return { context, page, problems: watch(page) };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** On the provider's login page: fills the form as a person does and presses Sign in. */
export async function fillLogin(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** From the partner's home page to the provider's login page. */
export async function startPartnerLogin(page: Page, stack: Stack): Promise<void> {
  await page.goto(stack.partnerUrl);
  await page.getByRole('link', { name: 'Log in with Provider' }).click();
  await page.waitForURL(`${stack.issuer}/login?**`);
}

/** The whole sign-in through the partner, allowing on the consent page; ends on the partner's signed-in page. */
export async function signInThroughPartner(page: Page, stack: Stack, user: User): Promise<void> {
  await startPartnerLogin(page, stack);
  await fillLogin(page, user.username, user.password);
  await page.waitForURL(`${stack.issuer}/oauth/authorize?**`);
  await page.getByRole('button', { name: 'Allow' }).click();
  await page.waitForURL(`${stack.partnerUrl}/`);
}

/** The text of a table's rows, claim name to value. */
export async function tableRows(page: Page, tableId: string): Promise<Record<string, string>> {
  const rows = await page
    .locator(`#${tableId} tbody tr`)
    .evaluateAll((trs) =>
      trs.map((tr) => [tr.querySelector('th code')?.textContent ?? '', tr.querySelector('td')?.textContent ?? '']),
    );
  return Object.fromEntries(rows);
}
