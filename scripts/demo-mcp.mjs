#!/usr/bin/env node
// `npm run demo:mcp [-- --dcr]`: the provider as the authorization server of an MCP server, and an
// MCP client that signs its user in for it. Builds if needed, starts the provider on its own SQLite
// database (./data/demo-mcp.sqlite) with dynamic registration open and client ID metadata
// documents on (loopback documents allowed, for this machine only), creates the demo user and
// registers the MCP server's API with its scope if missing, starts the MCP server
// (examples/mcp/server.mjs), then runs the MCP client (examples/mcp/client.mjs): with a client ID
// metadata document by default, with dynamic registration given --dcr. It prints the URL to open;
// once signed in, the client calls the server's `whoami` tool and prints the answer. Ctrl-C stops all.
//
// Ports: DEMO_PORT (provider, 3000) and DEMO_MCP_PORT (MCP server, 3001); the client listens on a free one.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

const { values: flags } = parseArgs({ options: { dcr: { type: 'boolean', default: false } } });
const mode = flags.dcr ? 'dcr' : 'cimd';
const providerPort = Number(process.env.DEMO_PORT ?? 3000);
const mcpPort = Number(process.env.DEMO_MCP_PORT ?? 3001);
const issuer = `http://localhost:${providerPort}`;
const mcpUrl = `http://127.0.0.1:${mcpPort}/mcp`;
const MCP_SCOPE = 'mcp:tools';
const DEMO_USER = { username: 'demo', password: 'demo-password', name: 'Dana Demo', email: 'demo@example.com' };
const LOG_FILE = 'data/demo-mcp-provider.log';

const providerEnv = {
  ...process.env,
  NODE_ENV: 'development',
  PORT: String(providerPort),
  HOST: '127.0.0.1',
  ISSUER: issuer,
  DATABASE_URL: 'sqlite:./data/demo-mcp.sqlite',
  DYNAMIC_REGISTRATION: 'open',
  CLIENT_ID_METADATA_DOCUMENTS: 'on',
  // The demo client serves its metadata document on 127.0.0.1; never set this in production.
  CLIENT_ID_METADATA_ALLOW_LOOPBACK: 'true',
};

function fail(message) {
  console.error(`demo:mcp: ${message}`);
  process.exit(1);
}

/** Runs the administration CLI with --json; returns { ok, json, error }. */
function cli(...args) {
  const run = spawnSync(process.execPath, ['dist/cli.js', ...args, '--json'], { env: providerEnv, encoding: 'utf8' });
  if (run.status === 0) return { ok: true, json: JSON.parse(run.stdout) };
  return { ok: false, error: (run.stderr || run.stdout).trim() };
}

async function waitForHealth(provider) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (provider.exitCode !== null) return false;
    try {
      const res = await fetch(`http://127.0.0.1:${providerPort}/health`);
      if (res.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

function demoUser() {
  const created = cli(
    'user:create',
    '--username', DEMO_USER.username,
    '--password', DEMO_USER.password,
    '--name', DEMO_USER.name,
    '--email', DEMO_USER.email,
  );
  if (!created.ok && !/already taken/.test(created.error)) fail(`could not create the demo user: ${created.error}`);
  return created.ok ? 'created' : 'already there';
}

/** The MCP server as an API of the provider: its URL is the identifier tokens are issued for (`aud`). */
function mcpApi() {
  const created = cli(
    'api:create',
    '--identifier', mcpUrl,
    '--name', 'MCP example server',
    '--scope', `${MCP_SCOPE}:Use the tools of the MCP example server`,
  );
  if (!created.ok && !/already exists/.test(created.error)) fail(`could not register the MCP server's API: ${created.error}`);
  return created.ok ? 'registered' : 'already registered';
}

// 1. Build once.
if (!existsSync('dist/main.js') || !existsSync('dist/cli.js')) {
  console.log('demo:mcp: building the provider (npx nest build)...');
  const build = spawnSync('npx', ['nest', 'build'], { stdio: 'inherit' });
  if (build.status !== 0) fail('the build failed');
}
mkdirSync('data', { recursive: true });

// 2. The provider, its log in a file.
const log = openSync(LOG_FILE, 'w');
const provider = spawn(process.execPath, ['dist/main.js'], { env: providerEnv, stdio: ['ignore', log, log] });
let stopping = false;
let mcpServer;

async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  await mcpServer?.close();
  if (provider.exitCode === null) {
    provider.kill('SIGTERM');
    await new Promise((resolve) => {
      const timer = setTimeout(() => {
        provider.kill('SIGKILL');
        resolve();
      }, 5000);
      provider.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    console.log('\ndemo:mcp: stopping the MCP server and the provider...');
    void stop(0);
  });
}
provider.on('exit', (code, signal) => {
  if (stopping) return;
  // Ctrl-C in a terminal reaches the provider too, and it may be done before this script.
  if (code === 0 || signal === 'SIGINT' || signal === 'SIGTERM') return void stop(0);
  const tail = existsSync(LOG_FILE) ? readFileSync(LOG_FILE, 'utf8').trim().split('\n').slice(-3).join('\n') : '';
  console.error(`demo:mcp: the provider stopped (${signal ?? `exit code ${code}`}). Last lines of ${LOG_FILE}:\n${tail}`);
  if (/EADDRINUSE/.test(tail)) console.error(`demo:mcp: port ${providerPort} is taken; set DEMO_PORT to another port.`);
  void stop(1);
});

console.log(`demo:mcp: starting the provider at ${issuer} (log: ${LOG_FILE})...`);
if (!(await waitForHealth(provider))) {
  if (!stopping) {
    console.error('demo:mcp: the provider did not become healthy within a minute');
    await stop(1);
  }
} else {
  // 3. Demo user and the MCP server's API, then the MCP server.
  const user = demoUser();
  const api = mcpApi();
  const { startMcpServer } = await import('../examples/mcp/server.mjs');
  const { runMcpClient } = await import('../examples/mcp/client.mjs');
  try {
    mcpServer = await startMcpServer({ issuer, port: mcpPort, scope: MCP_SCOPE });
  } catch (error) {
    console.error(`demo:mcp: the MCP server could not start: ${error.message}`);
    if (error.code === 'EADDRINUSE') console.error(`demo:mcp: port ${mcpPort} is taken; set DEMO_MCP_PORT to another port.`);
    await stop(1);
  }

  console.log(`
  Provider     ${issuer}   (database ./data/demo-mcp.sqlite)
  MCP server   ${mcpUrl}   (API ${api}, scope ${MCP_SCOPE})
  MCP client   registers with ${mode === 'cimd' ? 'a client ID metadata document on loopback' : 'dynamic client registration'}
  Demo user    username: ${DEMO_USER.username}   password: ${DEMO_USER.password}   (${user})
`);

  // 4. The MCP client: the authorization URL to open, then the tool's answer.
  try {
    const answer = await runMcpClient({
      serverUrl: mcpUrl,
      mode,
      onAuthorizationUrl: (url) => console.log(`  Open this URL in a browser and sign in as ${DEMO_USER.username}:\n\n  ${url}\n`),
    });
    console.log(`  The MCP client called whoami: ${JSON.stringify(answer)}\n\n  Press Ctrl-C to stop.`);
  } catch (error) {
    console.error(`demo:mcp: the MCP client failed: ${error.message}`);
    await stop(1);
  }
}
