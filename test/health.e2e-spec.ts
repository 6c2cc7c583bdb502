import { DataSource } from 'typeorm';
import { createTestApp, TestApp } from './helpers/create-test-app';
import { authorizeUrl, hiddenFields } from './helpers/oauth-client';
import { describeWith, itWith } from './helpers/requirements';
import { TcpProxy } from './helpers/tcp-proxy';
import * as oauth from './helpers/partner';

/*
 * /health is the contract's check (up and able to reach the database); /health/ready is the
 * same for orchestrators, and /health/live leaves the database out: a provider whose database
 * is away recovers by itself and must not be restarted for it.
 */
describe('health', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('answers 200 on /health, /health/ready and /health/live while the database answers', async () => {
    for (const path of ['/health', '/health/ready']) {
      const res = await t.http().get(path).expect(200);
      expect(res.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
    }
    const live = await t.http().get('/health/live').expect(200);
    expect(live.body).toEqual({ status: 'ok', info: {}, error: {}, details: {} });
  });

  itWith('mysql', 'says on /health/ready whether the MySQL server is a Galera node, and if so its state', async () => {
    const res = await t.http().get('/health/ready').expect(200);
    // .ci/run's third run goes through HAProxy to the cluster of scripts/galera.sh.
    const haproxy = process.env.GALERA_HAPROXY_URL;
    const onCluster = !!haproxy && process.env.DATABASE_URL!.startsWith(haproxy);
    expect(res.body.info.database_cluster).toEqual(
      onCluster
        ? { status: 'up', node: expect.any(String), state: 'Synced', cluster_status: 'Primary', size: 3 }
        : { status: 'up', cluster: false },
    );
  });

  describe('with the database closed under it', () => {
    let closed: TestApp;

    beforeAll(async () => {
      closed = await createTestApp();
      await closed.app.get(DataSource).destroy();
    });
    afterAll(() => closed.close());

    it('is not ready, but alive', async () => {
      for (const path of ['/health', '/health/ready']) {
        const res = await closed.http().get(path).expect(503);
        expect(res.body).toEqual({ error: 'temporarily_unavailable', error_description: expect.any(String) });
      }
      await closed.http().get('/health/live').expect(200);
    });

    it('answers 503 temporarily_unavailable, as JSON or as the error page, to whatever needs the database', async () => {
      const someone = { client_id: 'some-client', client_secret: 'some-secret' };
      const api = await oauth.token(closed.http(), someone, { grant_type: 'client_credentials' });
      oauth.expectOAuthError(api, 503, 'temporarily_unavailable');
      // The login page itself needs no database (its CSRF secret lives in a cookie); signing in does.
      const login = await closed.http().get('/login').expect(200);
      const signIn = closed
        .http()
        .post('/login')
        .set(
          'Cookie',
          ([] as string[]).concat(login.headers['set-cookie'] ?? []).map((line) => line.split(';')[0]),
        )
        .type('form')
        .send({ ...hiddenFields(login.text), username: 'someone', password: 'a password' });
      for (const page of [
        await closed.http().get(authorizeUrl({ response_type: 'code', client_id: 'x' })),
        await signIn,
      ]) {
        expect(page.status).toBe(503);
        expect(page.headers['content-type']).toMatch(/^text\/html/);
      }
    });
  });
});

const DATABASE_URL = process.env.DATABASE_URL ?? '';

describeWith('mysql', 'the MySQL connection pool', () => {
  /** Connections the provider, started with `env`, opens to MySQL to answer 40 health checks sent at once. */
  async function connectionsUnderLoad(env: Record<string, string>): Promise<number> {
    const proxy = await TcpProxy.start(DATABASE_URL);
    const t = await createTestApp({ DATABASE_URL: proxy.url(DATABASE_URL), ...env });
    try {
      const answers = await Promise.all(Array.from({ length: 40 }, () => t.http().get('/health')));
      expect(answers.map((res) => res.status)).toEqual(Array(40).fill(200));
      return proxy.connections;
    } finally {
      await t.close();
      await proxy.close();
    }
  }

  it('opens no more than DATABASE_POOL_SIZE connections, however many requests wait', async () => {
    expect(await connectionsUnderLoad({ DATABASE_POOL_SIZE: '2' })).toBeLessThanOrEqual(2);
  });

  it('opens more than that at its default size under the same load', async () => {
    expect(await connectionsUnderLoad({})).toBeGreaterThan(2);
  });
});
