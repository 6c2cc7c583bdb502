import { Server } from 'node:net';
import request from 'supertest';
import { ClientWithSecret } from '../src/clients/clients.service';
import { createTestApp, TestApp } from './helpers/create-test-app';
import { freePort } from './helpers/free-port';
import { codeThroughConsent } from './helpers/oauth-client';
import * as oauth from './helpers/partner';
import { signInAttempt } from './helpers/sign-in-attempt';

const REDIRECT = 'https://partner.example/callback';

/** One sample of the Prometheus text format: its metric name, its labels and its value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a scrape (text format 0.0.4): comments skipped, label values unescaped. */
function parseScrape(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels = Object.fromEntries(
        [...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map(([, k, v]) => [
          k,
          v.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c)),
        ]),
      );
      return { name: match[1], labels, value: Number(match[3]) };
    });
}

/** The sum of the samples named `name` whose labels include `labels`; undefined when there is none. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const matching = samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  return matching.length ? matching.reduce((sum, s) => sum + s.value, 0) : undefined;
}

describe('metrics (METRICS_PORT)', () => {
  let t: TestApp;
  let metricsPort: number;
  let client: ClientWithSecret;
  let machine: ClientWithSecret;
  let user: Awaited<ReturnType<TestApp['createUser']>>;

  const scrape = async () => {
    const res = await request(`http://127.0.0.1:${metricsPort}`).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return parseScrape(res.text);
  };

  beforeAll(async () => {
    metricsPort = await freePort();
    // One failed client authentication per address and window: the second request is throttled.
    t = await createTestApp({ METRICS_PORT: String(metricsPort), RATE_LIMIT_CLIENT_AUTH_FAILURES: '1' });
    client = await t.createClient({
      redirect_uris: [REDIRECT],
      grant_types: ['authorization_code', 'refresh_token'],
      scope: 'openid profile',
    });
    machine = await t.createClient({ redirect_uris: [], grant_types: ['client_credentials'], scope: 'read' });
    user = await t.createUser();
  });
  afterAll(() => t?.close());

  it('counts what the provider did, as a scrape of the metrics port shows', async () => {
    await oauth.clientCredentials(t.http(), machine).expect(200);

    // The authorization code flow, signing in on the way, and its refresh token used twice.
    const { code, verifier } = await codeThroughConsent(t.browser(), client, user, {}, REDIRECT);
    const tokens = await oauth.exchange(t.http(), client, { code, verifier }).expect(200);
    const first = tokens.body.refresh_token as string;
    await oauth.refresh(t.http(), client, first).expect(200);
    await oauth.refresh(t.http(), client, first).expect(400);

    const { res: failed } = await signInAttempt(t, user.username, 'not the password');
    expect(failed.status).toBe(401);

    await oauth.clientCredentials(t.http(), machine, {}, { secret: 'wrong' }).expect(401);
    await oauth.clientCredentials(t.http(), machine).expect(429);
    await t.http().get('/no/such/page').expect(404);

    const samples = await scrape();
    expect(valueOf(samples, 'provider_tokens_issued_total', { grant_type: 'client_credentials' })).toBe(1);
    expect(
      valueOf(samples, 'provider_tokens_issued_total', {
        grant_type: 'authorization_code',
        client_id: client.client_id,
      }),
    ).toBe(1);
    expect(valueOf(samples, 'provider_tokens_issued_total', { grant_type: 'refresh_token' })).toBe(1);
    expect(valueOf(samples, 'provider_sign_ins_total', { outcome: 'succeeded' })).toBe(1);
    expect(valueOf(samples, 'provider_sign_ins_total', { outcome: 'failed' })).toBe(1);
    expect(valueOf(samples, 'provider_refresh_token_reuse_total')).toBe(1);
    expect(valueOf(samples, 'provider_requests_throttled_total', { limit: 'client-auth-failures' })).toBe(1);

    // Routes by their pattern; a request no route matched as "unmatched", never its path.
    const requests = (labels: Record<string, string>) => valueOf(samples, 'provider_http_requests_total', labels);
    expect(requests({ route: '/oauth/token', method: 'POST', status: '200' })).toBe(3);
    expect(requests({ route: '/oauth/token', method: 'POST', status: '429' })).toBe(1);
    expect(requests({ route: '/login', method: 'POST', status: '303' })).toBe(1);
    expect(requests({ route: 'unmatched', method: 'GET', status: '404' })).toBe(1);
    expect(samples.some((s) => Object.values(s.labels).includes('/no/such/page'))).toBe(false);
    expect(
      valueOf(samples, 'provider_http_request_duration_seconds_count', { route: '/oauth/token', method: 'POST' }),
    ).toBe(6);

    // The signing keys made at start-up, event-loop lag, and the database.
    for (const alg of ['ES256', 'RS256']) {
      expect(valueOf(samples, 'provider_signing_key_age_seconds', { alg })).toBeGreaterThanOrEqual(0);
    }
    expect(valueOf(samples, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
    expect(valueOf(samples, 'provider_db_query_errors_total')).toBeGreaterThanOrEqual(0);
    const mysql = (process.env.DATABASE_URL ?? '').startsWith('mysql:');
    expect(valueOf(samples, 'provider_db_pool_connections_in_use')).toBe(mysql ? 0 : undefined);
    expect(valueOf(samples, 'provider_db_pool_requests_waiting')).toBe(mysql ? 0 : undefined);
  });

  it('serves /metrics on the metrics port only', async () => {
    await t.http().get('/metrics').expect(404);
    await request(`http://127.0.0.1:${metricsPort}`).get('/').expect(404);
    await request(`http://127.0.0.1:${metricsPort}`).post('/metrics').expect(405);
  });
});

describe('metrics without METRICS_PORT', () => {
  it('opens no listener, and the metrics listener closes with the application', async () => {
    const listen = jest.spyOn(Server.prototype, 'listen');
    try {
      const t = await createTestApp();
      await t.http().get('/.well-known/openid-configuration').expect(200);
      // Only supertest's, on an ephemeral port.
      expect(listen.mock.calls.map(([port]) => port)).toEqual([0]);
      await t.close();

      const port = await freePort();
      const withMetrics = await createTestApp({ METRICS_PORT: String(port) });
      await request(`http://127.0.0.1:${port}`).get('/metrics').expect(200);
      await withMetrics.close();
      await expect(request(`http://127.0.0.1:${port}`).get('/metrics')).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      listen.mockRestore();
    }
  });
});
