#!/usr/bin/env node
// `npm run demo`: the provider and an example partner app side by side, for a partner developer's
// first look. Builds if needed, starts the provider on its own SQLite database (./data/demo.sqlite),
// creates a demo user and a demo client if missing (the client's credentials are kept in
// ./data/demo-client.json so that re-runs reuse it), starts the partner app, prints the one URL to
// open, and stops both on Ctrl-C.
//
// Ports: DEMO_PORT (provider, 3000) and DEMO_PARTNER_PORT (partner app, 4000).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

const providerPort = Number(process.env.DEMO_PORT ?? 3000);
const partnerPort = Number(process.env.DEMO_PARTNER_PORT ?? 4000);
// Two different host names, as two real sites would have: each keeps its own cookies.
const issuer = `http://localhost:${providerPort}`;
const partnerUrl = `http://127.0.0.1:${partnerPort}`;
const DEMO_USER = { username: 'demo', password: 'demo-password', name: 'Dana Demo', email: 'demo@example.com' };
const CLIENT_FILE = 'data/demo-client.json';
const LOG_FILE = 'data/demo-provider.log';
const client = {
  name: 'Partner Demo',
  redirectUri: `${partnerUrl}/callback`,
  postLogoutRedirectUri: `${partnerUrl}/logged-out`,
  scope: 'openid profile email offline_access',
};

const providerEnv = {
  ...process.env,
  NODE_ENV: 'development',
  PORT: String(providerPort),
  HOST: '127.0.0.1',
  ISSUER: issuer,
  DATABASE_URL: 'sqlite:./data/demo.sqlite',
};

function fail(message) {
  console.error(`demo: ${message}`);
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

/** Whether the provider still knows the saved client and its secret: a wrong one is invalid_client (401). */
async function clientStillValid(saved) {
  const res = await fetch(`http://127.0.0.1:${providerPort}/oauth/token`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: `Basic ${Buffer.from(`${encodeURIComponent(saved.client_id)}:${encodeURIComponent(saved.client_secret)}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'demo-probe' }),
  });
  return res.status !== 401;
}

async function demoClient() {
  if (existsSync(CLIENT_FILE)) {
    const saved = JSON.parse(readFileSync(CLIENT_FILE, 'utf8'));
    const sameSetUp =
      saved.issuer === issuer &&
      saved.redirect_uri === client.redirectUri &&
      saved.post_logout_redirect_uri === client.postLogoutRedirectUri;
    if (sameSetUp && (await clientStillValid(saved))) return { ...saved, reused: true };
  }
  const created = cli(
    'client:create',
    '--name', client.name,
    '--redirect-uri', client.redirectUri,
    '--post-logout-redirect-uri', client.postLogoutRedirectUri,
    '--grant', 'authorization_code',
    '--grant', 'refresh_token',
    '--scope', client.scope,
  );
  if (!created.ok) fail(`could not create the demo client: ${created.error}`);
  const saved = {
    issuer,
    client_id: created.json.client_id,
    client_secret: created.json.client_secret,
    redirect_uri: client.redirectUri,
    post_logout_redirect_uri: client.postLogoutRedirectUri,
  };
  writeFileSync(CLIENT_FILE, `${JSON.stringify(saved, null, 2)}\n`, { mode: 0o600 });
  return { ...saved, reused: false };
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

// 1. Build once.
if (!existsSync('dist/main.js') || !existsSync('dist/cli.js')) {
  console.log('demo: building the provider (npx nest build)...');
  const build = spawnSync('npx', ['nest', 'build'], { stdio: 'inherit' });
  if (build.status !== 0) fail('the build failed');
}
mkdirSync('data', { recursive: true });

// 2. The provider, its log in a file.
const log = openSync(LOG_FILE, 'w');
const provider = spawn(process.execPath, ['dist/main.js'], { env: providerEnv, stdio: ['ignore', log, log] });
let stopping = false;
let partner;

async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  await partner?.close();
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
    console.log('\ndemo: stopping the partner app and the provider...');
    void stop(0);
  });
}
provider.on('exit', (code, signal) => {
  if (stopping) return;
  // Ctrl-C in a terminal reaches the provider too, and it may be done before this script.
  if (code === 0 || signal === 'SIGINT' || signal === 'SIGTERM') return void stop(0);
  const tail = existsSync(LOG_FILE) ? readFileSync(LOG_FILE, 'utf8').trim().split('\n').slice(-3).join('\n') : '';
  console.error(`demo: the provider stopped (${signal ?? `exit code ${code}`}). Last lines of ${LOG_FILE}:\n${tail}`);
  if (/EADDRINUSE/.test(tail)) console.error(`demo: port ${providerPort} is taken; set DEMO_PORT to another port.`);
  void stop(1);
});

console.log(`demo: starting the provider at ${issuer} (log: ${LOG_FILE})...`);
if (!(await waitForHealth(provider))) {
  if (!stopping) {
    console.error('demo: the provider did not become healthy within a minute');
    await stop(1);
  }
} else {
  // 3. Demo user and client, then the partner app.
  const user = demoUser();
  const saved = await demoClient();
  const { startPartnerApp } = await import('../examples/partner-app/app.js');
  try {
    partner = await startPartnerApp({
      issuer,
      clientId: saved.client_id,
      clientSecret: saved.client_secret,
      port: partnerPort,
      host: '127.0.0.1',
      baseUrl: partnerUrl,
    });
  } catch (error) {
    console.error(`demo: the partner app could not start: ${error.message}`);
    if (error.code === 'EADDRINUSE') console.error(`demo: port ${partnerPort} is taken; set DEMO_PARTNER_PORT to another port.`);
    await stop(1);
  }

  console.log(`
  Provider     ${issuer}   (database ./data/demo.sqlite)
  Partner app  ${partnerUrl}   (client "${client.name}", ${saved.reused ? 'reused from' : 'saved in'} ./${CLIENT_FILE})
  Demo user    username: ${DEMO_USER.username}   password: ${DEMO_USER.password}   (${user})

  Open ${partnerUrl} and press "Log in with Provider".

  Press Ctrl-C to stop both.
`);
}
