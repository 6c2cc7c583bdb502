import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, startExample } from './example-process';

/** examples/mcp/server.mjs, listening on `port` for tokens from `issuer` that carry `scope`. */
export interface McpServerProcess {
  /** Its resource identifier, http://127.0.0.1:PORT/mcp. */
  url: string;
  close(): Promise<void>;
}

export async function startMcpServer(issuer: string, port: number, scope: string): Promise<McpServerProcess> {
  const server = startExample('examples/mcp/server.mjs', [
    '--issuer',
    issuer,
    '--port',
    String(port),
    '--scope',
    scope,
  ]);
  const [, url] = await server.line(/^MCP server at (\S+)/);
  return { url, close: () => server.close() };
}

/** examples/mcp/client.mjs, run against the MCP server at `serverUrl`. */
export interface McpClientRun {
  /** The authorization URL the client prints for its user. */
  authorizationUrl: Promise<string>;
  /** The `whoami` tool's answer, once the client has it; rejected with its error if it fails. */
  answer: Promise<Record<string, string>>;
  close(): Promise<void>;
}

export function runMcpClient(serverUrl: string, mode: 'cimd' | 'dcr'): McpClientRun {
  const client = startExample('examples/mcp/client.mjs', [`--${mode}`, '--server', serverUrl]);
  const answer = client.line(/^whoami: (.*)$/).then(
    ([, json]) => JSON.parse(json) as Record<string, string>,
    async () => {
      throw new Error(`the MCP client failed: ${(await client.exited).stderr}`);
    },
  );
  // Not left unhandled when a test fails before it awaits the answer.
  answer.catch(() => undefined);
  return {
    authorizationUrl: client.line(/^(http\S+)$/).then(([, url]) => url),
    answer,
    close: () => client.close(),
  };
}

/** What examples/resource-server/access-token-verifier.mjs made of a token: its claims, or its error. */
export type Verdict =
  | { claims: Record<string, unknown> }
  | { error: { name: string; code?: string; status: number; wwwAuthenticate: string } };

const VERIFIER = pathToFileURL(join(ROOT, 'examples', 'resource-server', 'access-token-verifier.mjs')).href;

// Run as an ES module in a node process of its own; the options arrive as JSON in the environment.
const VERIFY = `
import { createAccessTokenVerifier } from ${JSON.stringify(VERIFIER)};
const { tokens, scopes, ...options } = JSON.parse(process.env.VERIFY);
const verifier = createAccessTokenVerifier(options);
const verdicts = [];
for (const token of tokens) {
  try {
    verdicts.push({ claims: await verifier.verify(token, { scopes }) });
  } catch (error) {
    const { name, code, status } = error;
    verdicts.push({ error: { name, code, status, wwwAuthenticate: error.wwwAuthenticate?.() } });
  }
}
console.log(JSON.stringify(verdicts));`;

/** One verifier for the API `audience` at `issuer`, needing `scopes`, asked about each of `tokens` in turn. */
export function verifyAccessTokens(
  options: { issuer: string; audience: string; scopes?: string[] },
  tokens: string[],
): Promise<Verdict[]> {
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      ['--input-type=module', '-e', VERIFY],
      { cwd: ROOT, env: { PATH: process.env.PATH, VERIFY: JSON.stringify({ ...options, tokens }) }, timeout: 20_000 },
      (error, stdout, stderr) => (error ? reject(new Error(stderr || error.message)) : resolve(JSON.parse(stdout))),
    ),
  );
}
