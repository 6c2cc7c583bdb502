#!/usr/bin/env node
// An MCP client that signs its user in at the provider, then calls the MCP server's `whoami` tool:
// the MCP authorization flow from the client's side, driven by the MCP SDK.
//
// 1. Its first request to the MCP server gets 401 with `WWW-Authenticate: Bearer resource_metadata=...`;
//    the SDK reads that metadata (RFC 9728), then the provider's (RFC 8414).
// 2. It identifies itself to the provider in one of two ways:
//    --cimd  with a Client ID Metadata Document: its client_id is the URL of a JSON document that
//            it serves itself (here on loopback, which the provider accepts only with
//            CLIENT_ID_METADATA_ALLOW_LOOPBACK=true: a real client publishes it on https);
//    --dcr   with dynamic client registration (RFC 7591) at the provider's registration_endpoint.
// 3. It prints the authorization URL (PKCE S256, `resource` = the MCP server's identifier, RFC 8707)
//    and waits for the provider to send the browser back to its loopback redirect URI (RFC 8252).
// 4. It exchanges the code (with `resource` again), and calls the tool with the access token.
//
//   node examples/mcp/client.mjs --cimd|--dcr [--server http://127.0.0.1:3001/mcp] [--port 0]
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

const CLIENT_NAME = 'MCP Example Client';

/** What is wrong with the provider's answer at the redirect URI (RFC 6749 §4.1.2), or null. */
function callbackProblem(params, issuer) {
  // RFC 9207: the answer must come from the provider the request went to.
  if (params.has('iss') && params.get('iss') !== issuer) {
    return `the answer comes from ${params.get('iss')}, not ${issuer}`;
  }
  if (params.get('error')) return `${params.get('error')}: ${params.get('error_description') ?? ''}`;
  if (!params.get('code')) return 'no code';
  return null;
}

/**
 * The page the browser lands on, `text` escaped (it may quote the provider's error_description).
 * Its empty icon spares a request for /favicon.ico, which may come after the client has stopped listening.
 */
function page(text) {
  const escaped = text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><meta charset="utf-8"><title>${CLIENT_NAME}</title><link rel="icon" href="data:,"><p>${escaped}</p>`;
}

/**
 * The client's loopback listener: the Client ID Metadata Document at /client-metadata.json, and
 * the redirect URI /callback, which resolves `code` once the provider sends the browser back.
 */
async function startLoopback({ port, host }) {
  let document;
  let settle;
  const code = new Promise((resolve, reject) => (settle = { resolve, reject }));
  // Awaited only after the authorization URL is out; a failure before that is not left unhandled.
  code.catch(() => {});
  let expected;
  const http = createServer((req, res) => {
    const url = new URL(req.url, 'http://loopback');
    if (url.pathname === '/client-metadata.json' && document) {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'max-age=60' });
      return res.end(JSON.stringify(document()));
    }
    const params = url.searchParams;
    // Only the answer to this client's own request (state) counts: anything else is turned away,
    // and the client keeps waiting for the right one.
    if (url.pathname !== '/callback' || !expected || params.get('state') !== expected.state) {
      return res.writeHead(404).end();
    }
    const problem = callbackProblem(params, expected.issuer);
    res.writeHead(problem ? 400 : 200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(page(problem ? `Authorization failed: ${problem}` : 'Signed in. You can close this window.'));
    if (problem) settle.reject(new Error(`authorization failed: ${problem}`));
    else settle.resolve(params.get('code'));
    expected = undefined;
  });
  await new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, resolve);
  });
  const origin = `http://${host}:${http.address().port}`;
  return {
    origin,
    serve: (metadataDocument) => (document = metadataDocument),
    expect: (state, issuer) => (expected = { state, issuer }),
    code,
    close: () =>
      new Promise((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}

/**
 * The SDK's OAuthClientProvider, kept in memory (a real client would store tokens and its
 * registration): the client's metadata, PKCE verifier, state, tokens and what discovery found.
 */
class ExampleOAuthProvider {
  constructor({ loopback, mode, onAuthorizationUrl }) {
    this.loopback = loopback;
    this.mode = mode;
    this.onAuthorizationUrl = onAuthorizationUrl;
    this.redirectUrl = `${loopback.origin}/callback`;
    this.metadataDocumentUrl = `${loopback.origin}/client-metadata.json`;
    this.clientMetadata = {
      client_name: CLIENT_NAME,
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      // A public client: PKCE instead of a secret (RFC 8252 §8.4).
      token_endpoint_auth_method: 'none',
    };
    if (mode === 'cimd') loopback.serve(() => this.metadataDocument());
  }

  /**
   * The Client ID Metadata Document: its client_id is its own URL. The provider lets the client
   * ask only for the scopes it lists; this one lists what the MCP server says it needs (RFC 9728
   * `scopes_supported`), as the SDK does when it registers the client with --dcr.
   */
  metadataDocument() {
    const scope = this.discovery?.resourceMetadata?.scopes_supported?.join(' ');
    return { client_id: this.metadataDocumentUrl, ...this.clientMetadata, ...(scope && { scope }) };
  }

  state() {
    this.currentState = randomBytes(16).toString('base64url');
    return this.currentState;
  }

  saveDiscoveryState(state) {
    this.discovery = state;
  }

  discoveryState() {
    return this.discovery;
  }

  /**
   * With --cimd, the client_id is the document's URL. The SDK would do this itself through
   * `clientMetadataUrl`, but only for https URLs; a loopback document is answered here, once the
   * provider's metadata says it takes such client IDs.
   */
  clientInformation() {
    if (this.information || this.mode !== 'cimd') return this.information;
    if (this.discovery?.authorizationServerMetadata?.client_id_metadata_document_supported !== true) {
      throw new Error(`${this.discovery?.authorizationServerUrl} does not accept client ID metadata documents`);
    }
    return { client_id: this.metadataDocumentUrl };
  }

  saveClientInformation(information) {
    this.information = information;
  }

  tokens() {
    return this.accessTokens;
  }

  saveTokens(tokens) {
    this.accessTokens = tokens;
  }

  saveCodeVerifier(verifier) {
    this.verifier = verifier;
  }

  codeVerifier() {
    return this.verifier;
  }

  async redirectToAuthorization(url) {
    this.loopback.expect(this.currentState, this.discovery?.authorizationServerMetadata?.issuer);
    await this.onAuthorizationUrl(url.href);
  }
}

/**
 * Connects to the MCP server at `serverUrl`, signs in through the provider the server names, and
 * returns the `whoami` tool's answer. `onAuthorizationUrl` is called with the URL the user must
 * open in a browser.
 * @param {{ serverUrl: string, mode: 'cimd' | 'dcr', onAuthorizationUrl: (url: string) => unknown, port?: number, host?: string }} options
 */
export async function runMcpClient({ serverUrl, mode, onAuthorizationUrl, port = 0, host = '127.0.0.1' }) {
  if (mode !== 'cimd' && mode !== 'dcr') throw new Error('mode is cimd or dcr');
  const loopback = await startLoopback({ port, host });
  const authProvider = new ExampleOAuthProvider({ loopback, mode, onAuthorizationUrl });
  const client = new Client({ name: 'provider-mcp-example-client', version: '1.0.0' });
  try {
    const transport = new StreamableHTTPClientTransport(new URL(serverUrl), { authProvider });
    try {
      await client.connect(transport);
    } catch (error) {
      // 401: the SDK has discovered, registered and sent the user to the provider; wait for the code.
      if (!(error instanceof UnauthorizedError)) throw error;
      await transport.finishAuth(await loopback.code);
      await client.connect(new StreamableHTTPClientTransport(new URL(serverUrl), { authProvider }));
    }
    const result = await client.callTool({ name: 'whoami' });
    if (result.isError) throw new Error(`whoami failed: ${result.content?.[0]?.text}`);
    return result.structuredContent;
  } finally {
    await client.close();
    await loopback.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      cimd: { type: 'boolean', default: false },
      dcr: { type: 'boolean', default: false },
      server: { type: 'string', default: process.env.MCP_SERVER_URL ?? 'http://127.0.0.1:3001/mcp' },
      port: { type: 'string', default: '0' },
    },
  });
  if (values.cimd === values.dcr) {
    console.error('usage: client.mjs --cimd|--dcr [--server URL] [--port PORT]');
    process.exit(2);
  }
  try {
    const answer = await runMcpClient({
      serverUrl: values.server,
      mode: values.cimd ? 'cimd' : 'dcr',
      port: Number(values.port),
      onAuthorizationUrl: (url) => console.log(`Open this URL in a browser to sign in:\n${url}`),
    });
    console.log(`whoami: ${JSON.stringify(answer)}`);
  } catch (error) {
    console.error(`mcp client: ${error.message}`);
    process.exit(1);
  }
}
