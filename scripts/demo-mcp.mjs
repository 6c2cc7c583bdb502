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
import { parseArgs } from 'node:util';
import { DEMO_USER, startDemoProvider } from './demo-provider.mjs';

const { values: flags } = parseArgs({ options: { dcr: { type: 'boolean', default: false } } });
const mode = flags.dcr ? 'dcr' : 'cimd';
const providerPort = Number(process.env.DEMO_PORT ?? 3000);
const mcpPort = Number(process.env.DEMO_MCP_PORT ?? 3001);
const mcpUrl = `http://127.0.0.1:${mcpPort}/mcp`;
const MCP_SCOPE = 'mcp:tools';
const DATABASE = 'data/demo-mcp.sqlite';

/** The MCP server as an API of the provider: its URL is the identifier tokens are issued for (`aud`). */
function mcpApi({ cli, fail }) {
  const created = cli(
    'api:create',
    '--identifier', mcpUrl,
    '--name', 'MCP example server',
    '--scope', `${MCP_SCOPE}:Use the tools of the MCP example server`,
  );
  if (!created.ok && !/already exists/.test(created.error)) fail(`could not register the MCP server's API: ${created.error}`);
  return created.ok ? 'registered' : 'already registered';
}

// 1. The provider, with both ways for the MCP client to register.
const provider = await startDemoProvider({
  name: 'demo:mcp',
  companion: 'the MCP server',
  port: providerPort,
  database: DATABASE,
  log: 'data/demo-mcp-provider.log',
  env: {
    DYNAMIC_REGISTRATION: 'open',
    CLIENT_ID_METADATA_DOCUMENTS: 'on',
    // The demo client serves its metadata document on 127.0.0.1; never set this in production.
    CLIENT_ID_METADATA_ALLOW_LOOPBACK: 'true',
  },
});

// 2. Demo user and the MCP server's API, then the MCP server.
const user = provider.ensureDemoUser();
const api = mcpApi(provider);
const { startMcpServer } = await import('../examples/mcp/server.mjs');
const { runMcpClient } = await import('../examples/mcp/client.mjs');
try {
  const mcpServer = await startMcpServer({ issuer: provider.issuer, port: mcpPort, scope: MCP_SCOPE });
  provider.onStop(() => mcpServer.close());
} catch (error) {
  console.error(`demo:mcp: the MCP server could not start: ${error.message}`);
  if (error.code === 'EADDRINUSE') console.error(`demo:mcp: port ${mcpPort} is taken; set DEMO_MCP_PORT to another port.`);
  await provider.stop(1);
}

console.log(`
  Provider     ${provider.issuer}   (database ./${DATABASE})
  MCP server   ${mcpUrl}   (API ${api}, scope ${MCP_SCOPE})
  MCP client   registers with ${mode === 'cimd' ? 'a client ID metadata document on loopback' : 'dynamic client registration'}
  Demo user    username: ${DEMO_USER.username}   password: ${DEMO_USER.password}   (${user})
`);

// 3. The MCP client: the authorization URL to open, then the tool's answer.
try {
  const answer = await runMcpClient({
    serverUrl: mcpUrl,
    mode,
    onAuthorizationUrl: (url) => console.log(`  Open this URL in a browser and sign in as ${DEMO_USER.username}:\n\n  ${url}\n`),
  });
  console.log(`  The MCP client called whoami: ${JSON.stringify(answer)}\n\n  Press Ctrl-C to stop.`);
} catch (error) {
  console.error(`demo:mcp: the MCP client failed: ${error.message}`);
  await provider.stop(1);
}
