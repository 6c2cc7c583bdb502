// node-oidc-provider as the comparison: the same scenarios 1, 3, 4, 5, against bench/servers/oidc-provider.mjs.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { basic, FORM, form, request } from './lib/http.mjs';
import { freePort, message, startNode, stop } from './lib/process.mjs';
import { refreshRequests } from './ours.mjs';

const RESOURCE = 'urn:bench:api';

export class Theirs {
  constructor({ root, logDir, settings }) {
    this.root = root;
    this.logDir = logDir;
    this.settings = settings;
    this.secret = randomBytes(32).toString('base64url');
  }

  async start() {
    this.port = await freePort();
    this.base = `http://127.0.0.1:${this.port}`;
    const env = {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      PORT: String(this.port),
      BENCH_SECRET: this.secret,
      BENCH_ACCESS_TOKEN_TTL: this.settings.ACCESS_TOKEN_TTL,
      BENCH_REFRESH_TOKEN_TTL: this.settings.REFRESH_TOKEN_TTL,
      BENCH_AUTH_CODE_TTL: this.settings.AUTH_CODE_TTL,
    };
    this.child = startNode('oidc-provider', join(this.root, 'bench/servers/oidc-provider.mjs'), { env, ipc: true, logFile: join(this.logDir, 'oidc-provider.log') });
    await message(this.child, 'ready');
    return this;
  }

  stop() {
    return stop(this.child);
  }

  async refreshTokens(count) {
    const reply = message(this.child, 'refresh-tokens');
    this.child.send({ type: 'mint-refresh-tokens', count });
    return (await reply).tokens;
  }

  /** An opaque access token of the service client (no resource: opaque, which its introspection knows). */
  async opaqueAccessToken() {
    const res = await request(this.port, 'POST', '/token', {
      headers: { authorization: basic('cc', this.secret), 'content-type': FORM },
      body: form({ grant_type: 'client_credentials', scope: 'api' }),
    });
    if (res.status !== 200) throw new Error(`oidc-provider token: ${res.status} ${res.body}`);
    return JSON.parse(res.body).access_token;
  }

  clientCredentials() {
    return {
      url: `${this.base}/token`,
      method: 'POST',
      headers: { authorization: basic('cc', this.secret), 'content-type': FORM },
      // The resource indicator makes the token an ES256 JWT (RFC 9068), as ours are.
      body: form({ grant_type: 'client_credentials', scope: 'api', resource: RESOURCE }),
    };
  }

  refreshRotation(tokens) {
    return refreshRequests(this.base, '/token', basic('web', this.secret), tokens);
  }

  introspection(accessToken) {
    return {
      url: `${this.base}/token/introspection`,
      method: 'POST',
      headers: { authorization: basic('cc', this.secret), 'content-type': FORM },
      body: form({ token: accessToken, token_type_hint: 'access_token' }),
    };
  }

  jwks() {
    return { url: `${this.base}/jwks` };
  }

  discovery() {
    return { url: `${this.base}/.well-known/openid-configuration` };
  }
}
