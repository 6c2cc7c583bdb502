#!/usr/bin/env node
// `npm run demo`: the provider and an example partner app side by side, for a partner developer's
// first look. Builds if needed, starts the provider on its own SQLite database (./data/demo.sqlite),
// creates a demo user and a demo client if missing (the client's credentials are kept in
// ./data/demo-client.json so that re-runs reuse it), starts the partner app, prints the one URL to
// open, and stops both on Ctrl-C.
//
// Ports: DEMO_PORT (provider, 3000) and DEMO_PARTNER_PORT (partner app, 4000).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { DEMO_USER, startDemoProvider } from './demo-provider.mjs';

const providerPort = Number(process.env.DEMO_PORT ?? 3000);
const partnerPort = Number(process.env.DEMO_PARTNER_PORT ?? 4000);
// The provider is at http://localhost, the partner app at 127.0.0.1: two different host names, as two
// real sites would have, so each keeps its own cookies.
const partnerUrl = `http://127.0.0.1:${partnerPort}`;
const DATABASE = 'data/demo.sqlite';
const CLIENT_FILE = 'data/demo-client.json';
const client = {
  name: 'Partner Demo',
  redirectUri: `${partnerUrl}/callback`,
  postLogoutRedirectUri: `${partnerUrl}/logged-out`,
  scope: 'openid profile email offline_access',
};

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

async function demoClient({ issuer, cli, fail }) {
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

// 1. The provider.
const provider = await startDemoProvider({
  name: 'demo',
  companion: 'the partner app',
  port: providerPort,
  database: DATABASE,
  log: 'data/demo-provider.log',
});

// 2. Demo user and client, then the partner app.
const user = provider.ensureDemoUser();
const saved = await demoClient(provider);
const { startPartnerApp } = await import('../examples/partner-app/app.js');
try {
  const partner = await startPartnerApp({
    issuer: provider.issuer,
    clientId: saved.client_id,
    clientSecret: saved.client_secret,
    port: partnerPort,
    host: '127.0.0.1',
    baseUrl: partnerUrl,
  });
  provider.onStop(() => partner.close());
} catch (error) {
  console.error(`demo: the partner app could not start: ${error.message}`);
  if (error.code === 'EADDRINUSE') console.error(`demo: port ${partnerPort} is taken; set DEMO_PARTNER_PORT to another port.`);
  await provider.stop(1);
}

console.log(`
  Provider     ${provider.issuer}   (database ./${DATABASE})
  Partner app  ${partnerUrl}   (client "${client.name}", ${saved.reused ? 'reused from' : 'saved in'} ./${CLIENT_FILE})
  Demo user    username: ${DEMO_USER.username}   password: ${DEMO_USER.password}   (${user})

  Open ${partnerUrl} and press "Log in with Provider".

  Press Ctrl-C to stop both.
`);
