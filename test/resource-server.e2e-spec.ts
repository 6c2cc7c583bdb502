import request from 'supertest';
import { ApisService } from '../src/apis/apis.service';
import { ClientWithSecret } from '../src/clients/clients.service';
import { JwtSigner } from '../src/keys/jwt-signer.service';
import { createTestApp, TestApp, uniqueName } from './helpers/create-test-app';
import { freePort } from './helpers/free-port';
import { McpServerProcess, startMcpServer, Verdict, verifyAccessTokens } from './helpers/mcp-examples';
import * as oauth from './helpers/partner';

/** One MCP server's JSON-RPC call of its `whoami` tool (stateless Streamable HTTP: no session needed). */
function callWhoami(server: McpServerProcess, token?: string) {
  const req = request(server.url)
    .post('')
    .set('Accept', 'application/json, text/event-stream')
    .send({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {} } });
  return token ? req.set('Authorization', `Bearer ${token}`) : req;
}

/**
 * The provider's access tokens at our own APIs: examples/resource-server/access-token-verifier.mjs
 * and the MCP server built on it (examples/mcp/server.mjs), both run as their users run them, for
 * two APIs, A and B, each an MCP server whose identifier is its URL (RFC 8707, RFC 9068 §4).
 */
describe('resource servers: the access-token verifier and the MCP server', () => {
  let t: TestApp;
  let issuer: string;
  let a: McpServerProcess;
  let b: McpServerProcess;
  // Scope names are unique across APIs and runs of this file share a MySQL database: fresh ones each run.
  const scopeA = `${uniqueName('a')}:tools`;
  const extraA = `${uniqueName('a')}:extra`;
  const scopeB = `${uniqueName('b')}:tools`;
  let client: ClientWithSecret;

  beforeAll(async () => {
    const [port, portA, portB] = await Promise.all([freePort(), freePort(), freePort()]);
    issuer = `http://127.0.0.1:${port}`;
    t = await createTestApp({ ISSUER: issuer, PORT: String(port) });
    await t.app.listen(port, '127.0.0.1');
    const apis = t.app.get(ApisService);
    const api = (mcpPort: number, scopes: string[]) =>
      apis.create({
        identifier: `http://127.0.0.1:${mcpPort}/mcp`,
        name: uniqueName('MCP server'),
        scopes: scopes.map((name) => ({ name, description: `Use ${name}` })),
      });
    await api(portA, [scopeA, extraA]);
    await api(portB, [scopeB]);
    [a, b] = await Promise.all([startMcpServer(issuer, portA, scopeA), startMcpServer(issuer, portB, scopeB)]);
    client = await t.createClient({
      name: uniqueName('service'),
      grant_types: ['client_credentials'],
      scope: `${scopeA} ${extraA} ${scopeB}`,
      redirect_uris: [],
    });
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await t?.close();
  });

  /** A client_credentials token for the API `resource` (RFC 8707 §2.2), carrying `scope`. */
  async function tokenFor(resource: string, scope: string): Promise<string> {
    const res = await oauth.clientCredentials(t.http(), client, { scope, resource }).expect(200);
    return res.body.access_token;
  }

  /** A token signed with the provider's own key, as it would sign one, with `claims` changed and `typ`. */
  function forged(claims: Record<string, unknown>, typ = 'at+jwt'): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return t.app.get(JwtSigner).sign(
      'ES256',
      {
        iss: issuer,
        sub: client.client_id,
        aud: a.url,
        client_id: client.client_id,
        scope: scopeA,
        iat: now,
        exp: now + 300,
        jti: uniqueName('jti'),
        ...claims,
      },
      typ,
    );
  }

  const verify = async (audience: string, token: string, scopes?: string[]): Promise<Verdict> =>
    (await verifyAccessTokens({ issuer, audience, scopes }, [token]))[0];

  it('accepts a token for API A at A: the verifier returns its claims, and the MCP tool answers for its client', async () => {
    const token = await tokenFor(a.url, scopeA);

    await expect(verify(a.url, token, [scopeA])).resolves.toEqual({
      claims: expect.objectContaining({ iss: issuer, aud: a.url, sub: client.client_id, scope: scopeA }),
    });
    const res = await callWhoami(a, token).expect(200);
    expect(res.body.result.structuredContent).toEqual({
      sub: client.client_id,
      client_id: client.client_id,
      scope: scopeA,
    });
  });

  it("refuses A's token at B: invalid_token from the verifier, 401 from B's MCP server naming its metadata", async () => {
    const token = await tokenFor(a.url, scopeA);

    await expect(verify(b.url, token)).resolves.toEqual({
      error: expect.objectContaining({ name: 'AccessTokenError', code: 'invalid_token', status: 401 }),
    });
    const res = await callWhoami(b, token).expect(401);
    expect(res.body.error).toBe('invalid_token');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token", /);
    expect(res.headers['www-authenticate']).toContain(
      `resource_metadata="${new URL('/.well-known/oauth-protected-resource/mcp', b.url).href}"`,
    );
    expect(res.body.result).toBeUndefined();
  });

  it('answers a token without the scope the API needs with insufficient_scope (403), naming the scope', async () => {
    const token = await tokenFor(a.url, extraA);

    await expect(verify(a.url, token, [scopeA])).resolves.toEqual({
      error: expect.objectContaining({ code: 'insufficient_scope', status: 403 }),
    });
    const res = await callWhoami(a, token).expect(403);
    expect(res.body.error).toBe('insufficient_scope');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer error="insufficient_scope", .*scope="[^"]+"/);
    expect(res.headers['www-authenticate']).toContain(`scope="${scopeA}"`);
  });

  it('refuses expired, not yet issued, foreign, untyped and garbled tokens with invalid_token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const refused = {
      expired: await forged({ iat: now - 7200, exp: now - 3600 }),
      'issued in the future': await forged({ iat: now + 3600, exp: now + 7200 }),
      'from another issuer': await forged({ iss: 'https://elsewhere.example' }),
      'an ID token (typ JWT)': await forged({}, 'JWT'),
      garbled: 'eyJhbGciOiJFUzI1NiJ9.bm90IGpzb24.c2lnbmF0dXJl',
      'with its signature changed': (await forged({})).replace(/.{4}$/, 'AAAA'),
    };
    // The same claims, signed and typed as the provider signs them, pass: the refusals are about what changed.
    const [genuine, ...verdicts] = await verifyAccessTokens({ issuer, audience: a.url, scopes: [scopeA] }, [
      await forged({}),
      ...Object.values(refused),
    ]);
    expect(genuine).toHaveProperty('claims.aud', a.url);
    expect(Object.fromEntries(Object.keys(refused).map((what, i) => [what, verdicts[i]]))).toEqual(
      Object.fromEntries(
        Object.keys(refused).map((what) => [what, { error: expect.objectContaining({ code: 'invalid_token' }) }]),
      ),
    );
    await callWhoami(a, refused.expired).expect(401);
  });

  it('asks for a token without an error code, and publishes its protected resource metadata (RFC 9728)', async () => {
    const res = await callWhoami(a).expect(401);
    const metadataUrl = new URL('/.well-known/oauth-protected-resource/mcp', a.url);
    expect(res.headers['www-authenticate']).toBe(`Bearer scope="${scopeA}", resource_metadata="${metadataUrl.href}"`);

    const expected = { resource: a.url, authorization_servers: [issuer], scopes_supported: [scopeA] };
    for (const path of [metadataUrl.pathname, '/.well-known/oauth-protected-resource']) {
      const metadata = await request(metadataUrl.origin).get(path).expect(200);
      expect(metadata.body).toMatchObject(expected);
    }
  });

  it('answers 503, not invalid_token, while the provider cannot be reached for its keys', async () => {
    // Port 1, where nothing listens: a free port could meanwhile be taken by a server of a spec running alongside.
    const nowhere = 'http://127.0.0.1:1';
    const orphan = await startMcpServer(nowhere, await freePort(), scopeA);
    try {
      const token = await tokenFor(a.url, scopeA);
      const res = await callWhoami(orphan, token).expect(503);
      expect(res.body).toEqual({ error: 'temporarily_unavailable' });
      expect(res.headers['www-authenticate']).toBeUndefined();
      // The verifier throws the fetch's own error, not an AccessTokenError: the caller answers 5xx.
      expect(await verifyAccessTokens({ issuer: nowhere, audience: a.url }, [token])).toEqual([
        { error: { name: 'TypeError' } },
      ]);
    } finally {
      await orphan.close();
    }
  });
});
