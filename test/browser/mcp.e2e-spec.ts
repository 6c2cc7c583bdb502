import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { ApisService } from '../../src/apis/apis.service';
import { createTestApp, TestApp, uniqueName } from '../helpers/create-test-app';
import { freePort } from '../helpers/free-port';
import { McpServerProcess, runMcpClient, startMcpServer } from '../helpers/mcp-examples';
import { spawnInstance, SpawnedInstance } from '../helpers/spawned-instance';
import { describeInBrowser, fillLogin, launchBrowser, openPage, User } from './browser-harness';

/**
 * The MCP authorization flow end to end, with the SDK's own client and server (examples/mcp):
 * the MCP client meets the server's 401, finds the provider through the server's protected
 * resource metadata, identifies itself (a client ID metadata document, or dynamic registration),
 * and sends its user to the provider; a person signs in and allows in Chromium; the client
 * redeems the code for a token meant for the MCP server and calls its tool.
 */
/** Each test runs the MCP client in a process of its own beside the provider and the MCP server's: a loaded machine slows it. */
const A_MINUTE = 60_000;

describeInBrowser('browser: an MCP client signs its user in for an MCP server', () => {
  let workDir: string;
  let setup: TestApp;
  let provider: SpawnedInstance;
  let mcp: McpServerProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: () => string[];
  // Scope names are unique across APIs, and runs of this file may share a MySQL database.
  const scope = `${uniqueName('mcp')}:tools`;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'provider-mcp-'));
    const configured = process.env.DATABASE_URL ?? '';
    const databaseUrl = configured.startsWith('mysql://') ? configured : `sqlite:${join(workDir, 'provider.sqlite')}`;
    const [port, mcpPort] = await Promise.all([freePort(), freePort()]);
    const env = {
      DATABASE_URL: databaseUrl,
      ISSUER: `http://127.0.0.1:${port}`,
      PORT: String(port),
      DYNAMIC_REGISTRATION: 'open',
      CLIENT_ID_METADATA_DOCUMENTS: 'on',
      // The MCP client serves its metadata document on 127.0.0.1.
      CLIENT_ID_METADATA_ALLOW_LOOPBACK: 'true',
    };
    // The database prepared in process (migrations, the MCP server's API), then served by the built provider.
    setup = await createTestApp(env);
    await setup.app.get(ApisService).create({
      identifier: `http://127.0.0.1:${mcpPort}/mcp`,
      name: 'MCP Example Server',
      scopes: [{ name: scope, description: 'Use the tools of the MCP example server' }],
    });
    [provider, browser] = await Promise.all([spawnInstance(workDir, env), launchBrowser()]);
    mcp = await startMcpServer(provider.url, mcpPort, scope);
  }, A_MINUTE);
  afterAll(async () => {
    await browser?.close();
    await mcp?.close();
    await provider?.close();
    await setup?.close();
    rmSync(workDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    ({ context, page, problems } = await openPage(browser));
  });
  afterEach(async () => {
    await context.close();
    expect(problems()).toEqual([]);
  });

  /** What a person does with the URL the MCP client printed: opens it, signs in, allows; ends on the client's loopback page. */
  async function signInAndAllow(authorizationUrl: string, user: User): Promise<string> {
    await page.goto(authorizationUrl);
    await page.waitForURL(`${provider.url}/login?**`);
    await fillLogin(page, user.username, user.password);
    await page.waitForURL(`${provider.url}/oauth/authorize?**`);
    const heading = await page.getByRole('heading', { level: 1 }).textContent();
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL('http://127.0.0.1:*/callback?**');
    expect(await page.locator('body').textContent()).toBe('Signed in. You can close this window.');
    return heading ?? '';
  }

  /** The authorization request the SDK built: code flow, PKCE S256, the MCP server as `resource`, its scope. */
  function expectMcpAuthorizationRequest(authorizationUrl: string): URL {
    const url = new URL(authorizationUrl);
    expect(`${url.origin}${url.pathname}`).toBe(`${provider.url}/oauth/authorize`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      code_challenge_method: 'S256',
      resource: mcp.url,
      scope,
      redirect_uri: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/callback$/),
      state: expect.any(String),
    });
    return url;
  }

  it(
    'with a client ID metadata document: the client_id is its URL, and the tool answers for the user',
    async () => {
      const user = await setup.createUser({ name: 'Ada Lovelace' });
      const client = runMcpClient(mcp.url, 'cimd');
      try {
        const url = expectMcpAuthorizationRequest(await client.authorizationUrl);
        const clientId = url.searchParams.get('client_id')!;
        expect(clientId).toBe(new URL('/client-metadata.json', url.searchParams.get('redirect_uri')!).href);

        // The provider fetched the document: the consent page names the client as the document does, and where it lives.
        const documentHost = new URL(clientId).host;
        expect(await signInAndAllow(url.href, user)).toBe(
          `MCP Example Client (from ${documentHost}) wants to use your account`,
        );
        await expect(client.answer).resolves.toEqual({ sub: user.id, client_id: clientId, scope });
      } finally {
        await client.close();
      }
    },
    A_MINUTE,
  );

  it(
    'with dynamic client registration: the client registers, and the tool answers for the user',
    async () => {
      const user = await setup.createUser({ name: 'Grace Hopper' });
      const client = runMcpClient(mcp.url, 'dcr');
      try {
        const url = expectMcpAuthorizationRequest(await client.authorizationUrl);
        const clientId = url.searchParams.get('client_id')!;
        // A client_id the provider issued at registration, not a URL.
        expect(URL.canParse(clientId)).toBe(false);

        expect(await signInAndAllow(url.href, user)).toBe('MCP Example Client wants to use your account');
        await expect(client.answer).resolves.toEqual({ sub: user.id, client_id: clientId, scope });
      } finally {
        await client.close();
      }
    },
    A_MINUTE,
  );

  it(
    'Deny: the client is told access_denied, and gets no token',
    async () => {
      const user = await setup.createUser();
      const client = runMcpClient(mcp.url, 'dcr');
      try {
        await page.goto(await client.authorizationUrl);
        await fillLogin(page, user.username, user.password);
        await page.getByRole('button', { name: 'Deny' }).click();
        await page.waitForURL('http://127.0.0.1:*/callback?**');
        expect(await page.locator('body').textContent()).toMatch(/^Authorization failed: access_denied: /);
        await expect(client.answer).rejects.toThrow(/authorization failed: access_denied/);
      } finally {
        await client.close();
      }
    },
    A_MINUTE,
  );
});
