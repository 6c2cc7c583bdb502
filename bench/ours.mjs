// Our provider under load: started from dist/ in production mode, its users and clients made
// through the CLI, its codes and tokens through the real HTTP flow, and the scenarios' requests.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { basic, browser, FORM, form, hiddenFields, pkcePair, pool, request } from './lib/http.mjs';
import { freePort, startNode, stop, waitForHttp } from './lib/process.mjs';
import { percentile } from './lib/stats.mjs';

const run = promisify(execFile);
export const REDIRECT_URI = 'http://127.0.0.1:9/cb';

export class Ours {
  constructor({ root, dist = join(root, 'dist'), databaseUrl, logDir, settings = {}, label = 'ours' }) {
    this.root = root;
    this.label = label;
    this.dist = dist;
    this.logDir = logDir;
    this.databaseUrl = databaseUrl;
    this.settings = settings;
    this.username = `bench-${randomBytes(4).toString('hex')}`;
    this.password = randomBytes(12).toString('base64url');
    this.env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      // For a build outside the repository (--dist): its packages are still the repository's.
      NODE_PATH: join(root, 'node_modules'),
      NODE_ENV: 'production',
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      DATABASE_URL: databaseUrl,
      HOST: '127.0.0.1',
      ...settings,
    };
  }

  /** `node dist/cli.js <args> --json`, on the same database; its one JSON object. */
  async cli(...args) {
    const { stdout } = await run(process.execPath, [join(this.dist, 'cli.js'), ...args, '--json'], {
      cwd: this.root,
      env: this.env,
      timeout: 60000,
    });
    return JSON.parse(stdout);
  }

  /** Starts `node dist/main.js` (WORKERS=workers); resolves when /health answers. */
  async start({ workers = 1, nodeArgs = [] } = {}) {
    this.port = await freePort();
    this.base = `http://127.0.0.1:${this.port}`;
    const env = { ...this.env, PORT: String(this.port), ISSUER: this.base, WORKERS: String(workers) };
    const label = workers > 1 ? `${this.label} x${workers}` : this.label;
    const logFile = join(this.logDir, `${this.label}-${workers}.log`);
    this.child = startNode(label, join(this.dist, 'main.js'), { env, nodeArgs, logFile });
    this.profiling = nodeArgs.includes('--cpu-prof');
    await waitForHttp(this.child, this.port, '/health');
    return this;
  }

  /** Another instance of the same deployment, not started: same database and secrets, same users and clients. */
  sibling(label = this.label) {
    const { root, dist, databaseUrl, logDir, settings } = this;
    const { env, username, password, flowUsers, cc, web } = this;
    const other = new Ours({ root, dist, databaseUrl, logDir, settings, label });
    return Object.assign(other, { env, username, password, flowUsers, cc, web });
  }

  /** A profiled provider exits on SIGUSR2 (bench/lib/exit-on-signal.cjs) so that its profile is written. */
  stop() {
    return stop(this.child, 20000, this.profiling ? 'SIGUSR2' : 'SIGTERM');
  }

  /**
   * The bench's users and clients, made through the CLI while the server runs. `flowUsers` more
   * users sign in during scenario 6, one per connection: parallel sign-ins of one username count
   * against its back-off (SECURITY 23), as a password sprayer's would.
   */
  async createFixtures({ flowUsers = 0 } = {}) {
    // `--flag=value`: a random password may start with a dash.
    const user = (name) => this.cli('user:create', `--username=${name}`, `--password=${this.password}`, '--name=Bench User');
    await user(this.username);
    this.flowUsers = Array.from({ length: flowUsers }, (_, i) => `${this.username}-${i}`);
    await pool(this.flowUsers.length, 4, (i) => user(this.flowUsers[i]));
    // The API whose scope `api` the clients hold (a client may hold only scopes an API defines); a
    // MySQL database an earlier run used has it already.
    await this.cli(
      'api:create', '--identifier', 'https://bench.example/api', '--name', 'Bench API', '--scope', 'api:Call the bench API',
    ).catch((error) => {
      if (!/already exists/.test(String(error.stderr ?? error))) throw error;
    });
    // A resource server: it introspects the web app's user tokens in scenario 4.
    this.cc = await this.cli(
      'client:create', '--name', 'Bench service', '--grant', 'client_credentials', '--scope', 'api', '--resource-server',
    );
    this.web = await this.cli(
      'client:create', '--name', 'Bench web app', '--redirect-uri', REDIRECT_URI,
      '--grant', 'authorization_code', '--grant', 'refresh_token', '--scope', 'openid profile api',
    );
  }

  /** A browser signed in through the login page, as a person would. */
  async signedInBrowser() {
    const b = browser(this.port);
    const page = await b('GET', '/login');
    if (page.status !== 200) throw new Error(`login page: ${page.status}`);
    const res = await b('POST', '/login', {
      headers: { 'content-type': FORM },
      body: form({ ...hiddenFields(page.body), username: this.username, password: this.password }),
    });
    if (res.status !== 303) throw new Error(`login: ${res.status} ${res.body.slice(0, 200)}`);
    return b;
  }

  /**
   * `count` codes, each through the authorization endpoint and the consent page (prompt=consent
   * shows it every time) with the Allow button; each with its own PKCE verifier.
   */
  async makeCodes(count, scope, concurrency = 8) {
    const b = await this.signedInBrowser();
    // The first page puts the CSRF secret in the session; pages fetched at once before that would
    // each make their own, and only the last one saved would stay valid (as with tabs in a browser).
    const one = async (i) => {
      const { verifier, challenge } = pkcePair();
      const query = form({
        response_type: 'code', client_id: this.web.client_id, redirect_uri: REDIRECT_URI, scope,
        state: `s${i}`, code_challenge: challenge, code_challenge_method: 'S256', prompt: 'consent',
      });
      const consent = await b('GET', `/oauth/authorize?${query}`);
      if (consent.status !== 200) throw new Error(`authorize: expected the consent page, got ${consent.status}`);
      const answer = await b('POST', '/oauth/authorize', {
        headers: { 'content-type': FORM },
        body: form({ ...hiddenFields(consent.body), decision: 'allow' }),
      });
      const code = answer.status === 303 && new URL(answer.headers.location).searchParams.get('code');
      if (!code) throw new Error(`consent: no code (${answer.status})`);
      return { code, verifier };
    };
    if (count === 0) return [];
    const first = await one(0);
    return [first, ...(await pool(count - 1, concurrency, (i) => one(i + 1)))];
  }

  /** Redeems codes once each (set-up only): their token responses. */
  async redeem(codes) {
    return pool(codes.length, 8, async (i) => {
      const { code, verifier } = codes[i];
      const res = await request(this.port, 'POST', '/oauth/token', {
        headers: { authorization: basic(this.web.client_id, this.web.client_secret), 'content-type': FORM },
        body: form({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier }),
      });
      if (res.status !== 200) throw new Error(`code exchange: ${res.status} ${res.body}`);
      return JSON.parse(res.body);
    });
  }

  // --- the scenarios' requests, as autocannon options ---

  clientCredentials() {
    return {
      url: `${this.base}/oauth/token`,
      method: 'POST',
      headers: { authorization: basic(this.cc.client_id, this.cc.client_secret), 'content-type': FORM },
      body: form({ grant_type: 'client_credentials', scope: 'api' }),
    };
  }

  /** Each request redeems the next code of `codes` (consumed from the front). */
  codeExchange(codes) {
    return codeRequests(this.base, '/oauth/token', basic(this.web.client_id, this.web.client_secret), codes);
  }

  /** Chained rotation: each request takes a refresh token from the pool and puts back its successor. */
  refreshRotation(tokens) {
    const authorization = basic(this.web.client_id, this.web.client_secret);
    return refreshRequests(this.base, '/oauth/token', authorization, tokens);
  }

  introspection(accessToken) {
    return {
      url: `${this.base}/oauth/introspect`,
      method: 'POST',
      headers: { authorization: basic(this.cc.client_id, this.cc.client_secret), 'content-type': FORM },
      body: form({ token: accessToken, token_type_hint: 'access_token' }),
    };
  }

  jwks() {
    return { url: `${this.base}/oauth/jwks` };
  }

  discovery() {
    return { url: `${this.base}/.well-known/openid-configuration` };
  }

  /**
   * The whole browserless flow, one per pass of each connection, with a fresh cookie jar:
   * authorize (-> login), login page, sign in, consent page, Allow (-> code), token.
   * `stats` collects completed flows, their durations and any step that answered wrongly.
   */
  flow(stats) {
    const authorization = basic(this.web.client_id, this.web.client_secret);
    const users = this.flowUsers?.length ? this.flowUsers : [this.username];
    let nextUser = 0;
    const cookieHeader = (ctx) => ({ ...(ctx.cookies && { cookie: Object.entries(ctx.cookies).map(([k, v]) => `${k}=${v}`).join('; ') }) });
    const keep = (ctx, headers) => {
      for (const line of [].concat(headers['set-cookie'] ?? headers['Set-Cookie'] ?? [])) {
        const [pair] = line.split(';');
        const eq = pair.indexOf('=');
        ctx.cookies = { ...ctx.cookies, [pair.slice(0, eq)]: pair.slice(eq + 1) };
      }
    };
    const step = (name, expected, setup, after) => ({
      setupRequest: (req, ctx) => (ctx.failed ? null : setup(req, ctx)),
      onResponse: (status, body, ctx, headers) => {
        if (ctx.failed) return;
        keep(ctx, headers);
        if (status !== expected) {
          ctx.failed = true;
          stats.failed += 1;
          stats.failures[`${name} ${status}`] = (stats.failures[`${name} ${status}`] ?? 0) + 1;
          return;
        }
        after?.(body, ctx, headers);
      },
    });
    const location = (headers) => headers.location ?? headers.Location;
    return {
      url: this.base,
      requests: [
        step('authorize', 303, (req, ctx) => {
          const { verifier, challenge } = pkcePair();
          ctx.verifier = verifier;
          ctx.started = performance.now();
          ctx.username = users[nextUser++ % users.length];
          const query = form({
            response_type: 'code', client_id: this.web.client_id, redirect_uri: REDIRECT_URI, scope: 'openid profile',
            state: 'flow', code_challenge: challenge, code_challenge_method: 'S256', prompt: 'consent',
          });
          return { ...req, method: 'GET', path: `/oauth/authorize?${query}` };
        }, (body, ctx, headers) => (ctx.next = location(headers))),
        step('login page', 200, (req, ctx) => ({ ...req, method: 'GET', path: ctx.next, headers: cookieHeader(ctx) }),
          (body, ctx) => (ctx.fields = hiddenFields(body))),
        step('sign in', 303, (req, ctx) => ({
          ...req, method: 'POST', path: '/login', headers: { ...cookieHeader(ctx), 'content-type': FORM },
          body: form({ ...ctx.fields, username: ctx.username, password: this.password }),
        }), (body, ctx, headers) => (ctx.next = location(headers))),
        step('consent page', 200, (req, ctx) => ({ ...req, method: 'GET', path: ctx.next, headers: cookieHeader(ctx) }),
          (body, ctx) => (ctx.fields = hiddenFields(body))),
        step('allow', 303, (req, ctx) => ({
          ...req, method: 'POST', path: '/oauth/authorize', headers: { ...cookieHeader(ctx), 'content-type': FORM },
          body: form({ ...ctx.fields, decision: 'allow' }),
        }), (body, ctx, headers) => (ctx.code = new URL(location(headers)).searchParams.get('code'))),
        step('token', 200, (req, ctx) => ({
          ...req, method: 'POST', path: '/oauth/token', headers: { authorization, 'content-type': FORM },
          body: form({ grant_type: 'authorization_code', code: ctx.code, redirect_uri: REDIRECT_URI, code_verifier: ctx.verifier }),
        }), (body, ctx) => {
          stats.flows += 1;
          stats.durations.push(performance.now() - ctx.started);
        }),
      ],
    };
  }
}

export function newFlowStats() {
  return { flows: 0, failed: 0, failures: {}, durations: [] };
}

export function flowSummary(stats, seconds) {
  return {
    flowsPerSecond: stats.flows / seconds,
    flowP50: percentile(stats.durations, 50),
    flowP99: percentile(stats.durations, 99),
    flows: stats.flows,
    failedFlows: stats.failed,
    failures: stats.failures,
  };
}

/** A token request for either provider, its form body made afresh for each request by `body()`; `onResponse` sees each answer. */
function tokenRequests(base, path, authorization, body, onResponse) {
  return {
    url: base,
    requests: [
      {
        method: 'POST',
        path,
        headers: { authorization, 'content-type': FORM },
        setupRequest: (req) => ({ ...req, body: body() }),
        ...(onResponse && { onResponse }),
      },
    ],
  };
}

/** The code exchange for either provider: each request redeems the next code of `codes` ({code, verifier}), consumed from the front. */
export function codeRequests(base, path, authorization, codes) {
  return tokenRequests(base, path, authorization, () => {
    // Out of codes (never, when `amount` matches): a bad code, counted as a failure, not a crash.
    const next = codes.shift() ?? { code: 'exhausted', verifier: 'x'.repeat(43) };
    return form({ grant_type: 'authorization_code', code: next.code, redirect_uri: REDIRECT_URI, code_verifier: next.verifier });
  });
}

/** Refresh token rotation for either provider: pop a token, push back the one the answer carries. */
export function refreshRequests(base, path, authorization, tokens) {
  return tokenRequests(
    base,
    path,
    authorization,
    // An empty pool (a chain broke) sends a bad token, counted as a failure, rather than stopping the run.
    () => form({ grant_type: 'refresh_token', refresh_token: tokens.shift() ?? 'exhausted' }),
    (status, body) => {
      if (status !== 200) return;
      const next = JSON.parse(body).refresh_token;
      if (next) tokens.push(next);
    },
  );
}
