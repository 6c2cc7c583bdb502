import { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { LoginThrottleService } from '../src/auth/login-throttle.service';
import { ClientWithSecret } from '../src/clients/clients.service';
import { TooManyRequestsError } from '../src/common/oauth/oauth.error';
import { createTestApp, TestApp } from './helpers/create-test-app';
import { clusterDatabase, ClusterDatabase } from './helpers/galera';
import { issueCode } from './helpers/issue-code';
import * as oauth from './helpers/partner';
import { describeWith } from './helpers/requirements';
import { until } from './helpers/until';

/*
 * Two instances on one Galera cluster, each writing through a node of its own, as two instances
 * behind a round-robin balancer would: locks are local to a node, and a transaction that conflicts
 * with one another node committed first fails at COMMIT (error 1213). What is single-use stays so.
 */
describeWith('galera', 'two instances writing through two nodes of a Galera cluster', () => {
  let db: ClusterDatabase;
  let one: TestApp;
  let two: TestApp;
  let client: ClientWithSecret;
  let userId: string;

  beforeAll(async () => {
    db = await clusterDatabase('galera_spec');
    // Started together on an empty database: the migrations run once, under the lease (no GET_LOCK on Galera).
    [one, two] = await Promise.all([
      createTestApp({ DATABASE_URL: db.url(1) }),
      createTestApp({ DATABASE_URL: db.url(2) }),
    ]);
    client = await one.createClient({ grant_types: ['authorization_code', 'refresh_token'], scope: 'openid profile' });
    userId = (await one.createUser()).id;
  }, 60_000);
  afterAll(async () => {
    await Promise.all([one?.close(), two?.close()]);
    await db?.drop();
  });

  /** Half of `n` requests through each instance, all at once. */
  const split = (n: number, send: (app: TestApp) => Promise<Response>) =>
    Promise.all(Array.from({ length: n }, (_, i) => send(i % 2 ? two : one)));
  const statuses = (responses: Response[]) => responses.map((res) => res.status);
  const issued = () => issueCode(one.app, client.client_id, userId);
  const tokensThrough = async (app: TestApp) =>
    (await oauth.exchange(app.http(), client, await issued()).expect(200)).body;

  it('redeems each code once of 50 redemptions split across the nodes; the others get invalid_grant, none a 5xx', async () => {
    for (let round = 0; round < 10; round++) {
      const code = await issued();
      const answers = await split(50, (app) => oauth.exchange(app.http(), client, code));
      expect(statuses(answers).filter((status) => status === 200)).toHaveLength(1);
      for (const res of answers.filter((r) => r.status !== 200)) oauth.expectOAuthError(res, 400, 'invalid_grant');
    }
  });

  it('rotates a refresh token at most once of 20 refreshes split across the nodes, and ends the grant for the reuse', async () => {
    for (let round = 0; round < 5; round++) {
      const { refresh_token: refreshToken } = await tokensThrough(one);
      const answers = await split(20, (app) => oauth.refresh(app.http(), client, refreshToken));
      const winners = answers.filter((res) => res.status === 200);
      expect(winners.length).toBeLessThanOrEqual(1);
      for (const res of answers.filter((r) => r.status !== 200)) oauth.expectOAuthError(res, 400, 'invalid_grant');
      // The reuse ended the grant: what the winner got is refused through either node.
      for (const { body } of winners) {
        for (const app of [one, two]) {
          const introspection = await oauth.introspect(app.http(), client, body.access_token).expect(200);
          expect(introspection.body).toEqual({ active: false });
          oauth.expectOAuthError(await oauth.refresh(app.http(), client, body.refresh_token), 400, 'invalid_grant');
        }
      }
    }
  });

  it('asks for causal reads on its connections, which the cluster does not give by default', async () => {
    const setting = async (app: TestApp) => {
      const [row] = (await app.app
        .get(DataSource)
        .query('SELECT @@session.wsrep_sync_wait AS s, @@global.wsrep_sync_wait AS g')) as Record<string, unknown>[];
      return { session: Number(row.s), server: Number(row.g) };
    };
    for (const app of [one, two]) expect(await setting(app)).toEqual({ session: 1, server: 0 });
  });

  it('redeems through one node a code issued through the other at once (causal reads)', async () => {
    for (let round = 0; round < 20; round++) {
      const code = await issued();
      await oauth.exchange(two.http(), client, code).expect(200);
    }
  });

  it('honours a revocation made through one node within a second through the other: introspection and the bearer guard', async () => {
    for (let round = 0; round < 5; round++) {
      const tokens = await tokensThrough(one);
      // Held on the second instance: the cache a revocation must reach.
      await oauth.introspect(two.http(), client, tokens.access_token).expect(200, /"active":true/);
      await two.http().get('/oauth/userinfo').auth(tokens.access_token, { type: 'bearer' }).expect(200);

      await oauth.revoke(one.http(), client, tokens.refresh_token).expect(200);
      const revokedAt = Date.now();
      await until(
        async () => (await oauth.introspect(two.http(), client, tokens.access_token)).body.active === false,
        'introspection through the other node says inactive',
        1000,
      );
      await two.http().get('/oauth/userinfo').auth(tokens.access_token, { type: 'bearer' }).expect(401);
      expect(Date.now() - revokedAt).toBeLessThan(1000);
    }
  });

  it('lets no more failed sign-ins through for one username than allowed, when they arrive through both nodes at once', async () => {
    const username = `someone-${Date.now()}`;
    let checked = 0;
    const wrongPassword = async () => {
      checked += 1;
      return null;
    };
    const attempts = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? two : one).app.get(LoginThrottleService).attempt(username, wrongPassword),
      ),
    );
    // LOGIN_BACKOFF_AFTER (5) passwords checked; every other attempt refused without a check.
    expect(checked).toBe(5);
    const refusals = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
    expect(refusals.length).toBeGreaterThanOrEqual(15);
    for (const { reason } of refusals) expect(reason).toBeInstanceOf(TooManyRequestsError);
  });

  it('says on /health/ready which node it reached, that it is synced, and the cluster’s size', async () => {
    const { body } = await two.http().get('/health/ready').expect(200);
    expect(body.info.database_cluster).toEqual({
      status: 'up',
      node: expect.any(String),
      state: 'Synced',
      cluster_status: 'Primary',
      size: 3,
    });
  });
});
