#!/usr/bin/env node
// An MCP server whose one tool needs a token from the provider: the MCP authorization flow from
// the server's side (MCP 2025-06-18 "Authorization", RFC 9728, RFC 8707, RFC 6750).
//
// - It is a protected resource whose identifier is its own URL (http://127.0.0.1:PORT/mcp): the
//   provider knows it as an API (api:create --identifier <that URL> --scope mcp:tools:...), and
//   issues tokens for it with `aud` set to that URL when a client asks with `resource` (RFC 8707).
// - GET /.well-known/oauth-protected-resource/mcp (and without /mcp) says which authorization
//   server issues its tokens and which scopes it knows (RFC 9728 §3).
// - POST /mcp without a good token: 401 with `WWW-Authenticate: Bearer resource_metadata="..."`,
//   from which an MCP client finds all the rest.
// - Tokens are checked with ../resource-server/access-token-verifier.mjs (signature, iss, aud,
//   exp, typ, scope).
//
//   node examples/mcp/server.mjs --issuer http://localhost:3000 [--port 3001] [--scope mcp:tools]
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { AccessTokenError, bearerToken, createAccessTokenVerifier } from '../resource-server/access-token-verifier.mjs';

const MCP_PATH = '/mcp';

/** The MCP server itself, one per request (stateless Streamable HTTP): its one tool answers who called. */
function mcpServer() {
  const server = new McpServer({ name: 'provider-mcp-example', version: '1.0.0' });
  server.registerTool(
    'whoami',
    {
      title: 'Who am I',
      description: 'The user and client this access token speaks for, and the scope it grants',
    },
    // `authInfo` is what the bearer check below put on the request.
    ({ authInfo }) => {
      const answer = { sub: authInfo.extra.sub, client_id: authInfo.clientId, scope: authInfo.scopes.join(' ') };
      return { content: [{ type: 'text', text: JSON.stringify(answer) }], structuredContent: answer };
    },
  );
  return server;
}

/**
 * The HTTP side: protected resource metadata, the bearer check, and /mcp.
 * @param {{ issuer: string, resource: string, scope: string, host: string }} options
 */
export function createMcpApp({ issuer, resource, scope, host }) {
  const resourceUrl = new URL(resource);
  const metadataPath = `/.well-known/oauth-protected-resource${resourceUrl.pathname}`;
  const resourceMetadata = new URL(metadataPath, resourceUrl.origin).href;
  const verifier = createAccessTokenVerifier({ issuer, audience: resource, scopes: [scope] });

  // Host header checked against loopback names (DNS rebinding), JSON bodies parsed.
  const app = createMcpExpressApp({ host });

  // RFC 9728 §3.1: the metadata of a resource with a path is at the well-known path plus that path;
  // the path-less one is there for clients that only look at the root.
  const metadata = {
    resource,
    authorization_servers: [issuer],
    scopes_supported: [scope],
    bearer_methods_supported: ['header'],
    resource_name: 'Provider MCP example',
  };
  app.get([metadataPath, '/.well-known/oauth-protected-resource'], (req, res) => res.json(metadata));

  // Every method of /mcp needs the token; the claims reach the tool as the SDK's `authInfo`.
  app.all(MCP_PATH, async (req, res, next) => {
    try {
      const token = bearerToken(req.headers.authorization);
      const claims = await verifier.verify(token);
      req.auth = {
        token,
        clientId: claims.client_id,
        scopes: (claims.scope ?? '').split(' ').filter(Boolean),
        expiresAt: claims.exp,
        resource: resourceUrl,
        extra: { sub: claims.sub },
      };
      next();
    } catch (error) {
      if (!(error instanceof AccessTokenError)) {
        // The provider's keys could not be had: the caller's token may be fine, try again later.
        console.error(`mcp server: cannot check tokens: ${error.message}`);
        return res.status(503).set('Retry-After', '5').json({ error: 'temporarily_unavailable' });
      }
      res.set('WWW-Authenticate', error.wwwAuthenticate({ resourceMetadata, scope: [scope] }));
      res.status(error.status).json(error.code ? { error: error.code, error_description: error.message } : {});
    }
  });

  app.post(MCP_PATH, async (req, res, next) => {
    try {
      const server = mcpServer();
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      res.on('close', () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(req, res, req.body);
    } catch (error) {
      next(error);
    }
  });
  // Stateless: no server-sent event stream to resume, no session to end.
  app.all(MCP_PATH, (req, res) => res.set('Allow', 'POST').status(405).json({ error: 'method not allowed' }));

  // A body that is not JSON (express.json's 400, 413...) is the caller's fault; anything else is ours.
  app.use((error, req, res, _next) => {
    const status = error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) console.error(`mcp server: ${error.stack}`);
    res.status(status).json({ error: status === 500 ? 'server_error' : 'invalid_request' });
  });
  return app;
}

/**
 * Listens on `host`:`port` (0: any free port) and serves /mcp for tokens the provider at `issuer`
 * issued for `<its URL>/mcp` with `scope`.
 * @param {{ issuer: string, port?: number, host?: string, scope?: string }} options
 * @returns {Promise<{ url: string, resourceMetadata: string, close(): Promise<void> }>}
 */
export async function startMcpServer({ issuer, port = 0, host = '127.0.0.1', scope = 'mcp:tools' }) {
  const http = createServer();
  await new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, resolve);
  });
  // The resource identifier names the port, known only now when it was 0.
  const url = `http://${host}:${http.address().port}${MCP_PATH}`;
  http.on('request', createMcpApp({ issuer, resource: url, scope, host }));
  return {
    url,
    resourceMetadata: new URL(`/.well-known/oauth-protected-resource${MCP_PATH}`, url).href,
    close: () =>
      new Promise((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      issuer: { type: 'string', default: process.env.ISSUER ?? 'http://localhost:3000' },
      port: { type: 'string', default: process.env.PORT ?? '3001' },
      host: { type: 'string', default: '127.0.0.1' },
      scope: { type: 'string', default: 'mcp:tools' },
    },
  });
  const server = await startMcpServer({ ...values, port: Number(values.port) });
  console.log(`MCP server at ${server.url} (tokens from ${values.issuer}, scope ${values.scope})`);
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close().then(() => process.exit(0)));
}
