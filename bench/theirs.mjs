// node-oidc-provider as the comparison, against bench/servers/oidc-provider.mjs: on its in-memory
// adapter (scenarios 1, 3, 4, 5), or with `redis` ({url, prefix}) on Redis, as in production
// (scenarios 2, 3, 4: those that read and write its state).
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { basic, FORM, form, request } from './lib/http.mjs';
import { freePort, message, startNode, stop } from './lib/process.mjs';
import { removeKeys } from './lib/redis.mjs';
import { codeRequests, refreshRequests } from './ours.mjs';

const RESOURCE = 'urn:bench:api';

export class Theirs {
  constructor({ root, logDir, settings, redis, label = 'oidc-provider' }) {
    this.root = root;
    this.logDir = logDir;
    this.settings = settings;
    this.redis = redis;
    this.label = label;
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
      ...(this.redis && { BENCH_REDIS_URL: this.redis.url, BENCH_REDIS_PREFIX: this.redis.prefix }),
    };
    const script = join(this.root, 'bench/servers/oidc-provider.mjs');
    this.child = startNode(this.label, script, { env, ipc: true, logFile: join(this.logDir, `${this.label}.log`) });
    await message(this.child, 'ready');
    return this;
  }

  /** Stops the server, then removes the run's keys from Redis (those under its prefix only). */
  async stop() {
    await stop(this.child);
    if (this.redis && !this.removed) {
      this.removed = true;
      await removeKeys(this.redis.url, this.redis.prefix).catch((error) =>
        process.stderr.write(`bench: could not remove the keys under ${this.redis.prefix} from Redis: ${error.message}\n`),
      );
    }
  }

  /** What the server mints over IPC (`type` with a count), as its answer `reply` carries it. */
  async mint(type, reply, count) {
    const answer = message(this.child, reply, 120000);
    this.child.send({ type, count });
    return answer;
  }

  async refreshTokens(count) {
    return (await this.mint('mint-refresh-tokens', 'refresh-tokens', count)).tokens;
  }

  /** `count` authorization codes ({code, verifier}), scope openid profile api, as its consent stores them. */
  async makeCodes(count) {
    return (await this.mint('mint-codes', 'codes', count)).codes;
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

  codeExchange(codes) {
    return codeRequests(this.base, '/token', basic('web', this.secret), codes);
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
