import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request, { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { ClientsService, ClientWithSecret } from '../src/clients/clients.service';
import { KeysService } from '../src/keys/keys.service';
import { createTestApp, TestApp } from './helpers/create-test-app';
import { privateDatabase } from './helpers/database-state';
import { issueCode, REDIRECT } from './helpers/issue-code';
import { authorizeUrl, hiddenFields, pkcePair } from './helpers/oauth-client';
import { describeWith, itWith } from './helpers/requirements';
import { TcpProxy } from './helpers/tcp-proxy';
import { until } from './helpers/until';
import * as oauth from './helpers/partner';

/*
 * Checklist items 18 and 36 (docs/security.md): with the database unreachable, every request that needs it is answered
 * 503 temporarily_unavailable, quickly; nothing is issued that was not stored; introspection
 * fails closed; a revocation that could not be stored is an error; and the provider serves
 * again by itself once the database is back. Checklist item 38: two instances on one database.
 */
const DATABASE_URL = process.env.DATABASE_URL ?? '';
const onMysql = DATABASE_URL.startsWith('mysql://');
type Code = Awaited<ReturnType<typeof issueCode>>;

function expectUnavailable(res: Response): void {
  oauth.expectOAuthError(res, 503, 'temporarily_unavailable');
}

function expectUnavailablePage(res: Response): void {
  expect(res.status).toBe(503);
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  // Nothing of the driver's error reaches the person reading it.
  expect(res.text).not.toMatch(/ECONN|PROTOCOL_|SQLITE|mysql|SELECT|\.js:\d/i);
}

/** A partner that may refresh, and a resource server that introspects. */
async function partnerAndResourceServer(t: TestApp) {
  const client = await t.createClient({
    redirect_uris: [REDIRECT],
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
    scope: 'openid profile',
  });
  const resourceServer = await t.createClient({
    name: 'API',
    redirect_uris: [],
    grant_types: ['client_credentials'],
    scope: '',
    resource_server: true,
  });
  return { client, resourceServer };
}

describeWith('mysql', 'a MySQL database that goes away and comes back', () => {
  let proxy: TcpProxy;
  let t: TestApp;
  let base: string;
  let client: ClientWithSecret;
  let resourceServer: ClientWithSecret;
  let userId: string;

  beforeAll(async () => {
    proxy = await TcpProxy.start(DATABASE_URL);
    t = await createTestApp({ DATABASE_URL: proxy.url(DATABASE_URL) });
    // A real port: the runs below keep many requests in flight at once.
    await t.app.listen(0, '127.0.0.1');
    base = await t.app.getUrl();
    ({ client, resourceServer } = await partnerAndResourceServer(t));
    userId = (await t.createUser()).id;
  });
  afterEach(() => proxy.restore());
  afterAll(async () => {
    await t?.close();
    await proxy?.close();
  });

  const clientCredentials = () => oauth.token(base, client, { grant_type: 'client_credentials' });
  const exchange = (code: Code) => oauth.exchange(base, client, code);
  const refresh = (refreshToken: string) => oauth.refresh(base, client, refreshToken);
  const introspect = (value: string) => oauth.introspect(base, resourceServer, value);
  const newCode = () => issueCode(t.app, client.client_id, userId);

  it('answers 503 while the database is cut, fails closed, stores nothing half-done, and serves again once it is back', async () => {
    const before = (await exchange(await newCode()).expect(200)).body;
    const pending = await newCode();
    // The login page needs no database (its CSRF secret lives in a cookie); signing in does.
    const browser = request.agent(base);
    const loginPage = await browser.get('/login').expect(200);

    await proxy.cut();
    const started = Date.now();
    expectUnavailable(await clientCredentials());
    expectUnavailable(await exchange(pending));
    expectUnavailable(await refresh(before.refresh_token));
    // Introspection fails closed: never active:true for a token it could not check.
    expectUnavailable(await introspect(before.access_token));
    // A revocation that could not be stored is an error, never a 200 (checklist item 18).
    expectUnavailable(await oauth.revoke(base, client, before.access_token));
    expectUnavailable(await oauth.revoke(base, client, before.refresh_token));
    expectUnavailablePage(
      await request(base).get(
        authorizeUrl({
          response_type: 'code',
          client_id: client.client_id,
          redirect_uri: REDIRECT,
          scope: 'openid',
          code_challenge: pkcePair().challenge,
          code_challenge_method: 'S256',
        }),
      ),
    );
    expectUnavailablePage(
      await browser
        .post('/login')
        .type('form')
        .send({ ...hiddenFields(loginPage.text), username: 'someone', password: 'a password' }),
    );
    expect((await request(base).get('/health')).status).toBe(503);
    expect((await request(base).get('/health/ready')).status).toBe(503);
    expect((await request(base).get('/health/live')).status).toBe(200);
    // A refused connection fails at once: nobody waited for a timeout.
    expect(Date.now() - started).toBeLessThan(5000);

    await proxy.restore();
    expect((await request(base).get('/health/ready')).status).toBe(200);
    // Issued before the cut: still good. Refused during it: untouched, so it works now.
    expect((await introspect(before.access_token).expect(200)).body).toMatchObject({ active: true });
    const redeemed = (await exchange(pending).expect(200)).body;
    expect((await introspect(redeemed.access_token).expect(200)).body).toMatchObject({ active: true });
    await refresh(before.refresh_token).expect(200);
    // The revocation the client was told had failed did not happen; asked again, it holds.
    await oauth.revoke(base, client, before.access_token).expect(200);
    expect((await introspect(before.access_token).expect(200)).body).toEqual({ active: false });
  });

  it('keeps a run of requests answered across a cut: tokens it stored or 503, never anything else, and tokens again after', async () => {
    const before = (await exchange(await newCode()).expect(200)).body;
    const codes = await Promise.all(Array.from({ length: 40 }, newCode));
    type Phase = 'before' | 'cut' | 'after';
    let phase: Phase = 'before';
    const answers: {
      kind: string;
      from: Phase;
      to: Phase;
      res: Response;
      code?: { code: string; verifier: string };
    }[] = [];

    // Four clients, each sending its next request as soon as the last is answered.
    let stop = false;
    const kinds = ['client_credentials', 'authorization_code', 'introspection'] as const;
    const worker = async (offset: number) => {
      for (let i = offset; !stop; i++) {
        const kind = kinds[i % kinds.length];
        const from = phase;
        const code = kind === 'authorization_code' ? codes.pop() : undefined;
        const res =
          kind === 'introspection'
            ? await introspect(before.access_token)
            : await (code ? exchange(code) : clientCredentials());
        answers.push({ kind, from, to: phase, res, code });
      }
    };
    const sent = (p: Phase) => answers.filter((a) => a.from === p && a.to === p).length;
    const run = Promise.all([0, 1, 2, 3].map(worker));

    await until(() => sent('before') >= 8, '8 requests were answered before the cut', 15_000);
    phase = 'cut';
    await proxy.cut();
    await until(() => sent('cut') >= 8, '8 requests were answered during the cut', 15_000);
    phase = 'after';
    await proxy.restore();
    await until(() => sent('after') >= 8, '8 requests were answered after the cut', 15_000);
    stop = true;
    await run;

    for (const { kind, from, to, res } of answers) {
      // Started and answered while the database was there: served; while it was cut: 503. Across a change: either.
      const allowed = from === to ? [from === 'cut' ? 503 : 200] : [200, 503];
      if (!allowed.includes(res.status))
        throw new Error(`${kind} sent ${from}, answered ${to}: ${res.status} ${res.text}`);
      if (res.status === 503) expectUnavailable(res);
      else if (kind === 'introspection') expect(res.body).toMatchObject({ active: true });
      else expect(res.body.access_token).toEqual(expect.any(String));
    }
    // Every token handed out was stored: its grant stands, and its refresh token works.
    for (const { res } of answers.filter((a) => a.kind === 'authorization_code' && a.res.status === 200)) {
      expect((await introspect(res.body.access_token).expect(200)).body).toMatchObject({ active: true });
      await refresh(res.body.refresh_token).expect(200);
    }
    // A code refused while the database was away was left as it was.
    for (const { code } of answers.filter(
      (a) => a.kind === 'authorization_code' && a.from === 'cut' && a.to === 'cut',
    )) {
      await exchange(code!).expect(200);
    }
  });

  it('answers 503 within a bounded time when the database stops answering, however many requests wait', async () => {
    await proxy.blackhole();
    const started = Date.now();
    // More requests than the pool has connections: the rest queue for one.
    const answers = await Promise.all(
      Array.from({ length: 25 }, async () => {
        const res = await clientCredentials();
        return { res, ms: Date.now() - started };
      }),
    );
    for (const { res } of answers) expectUnavailable(res);
    // Each connection attempt gives up after 3 s; no request waits past 5 s for a connection
    // (data-source-options.ts). Without that bound the queue would take 3 s per round.
    expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(7500);

    await proxy.restore();
    await clientCredentials().expect(200);
  });
});

(onMysql ? describe.skip : describe)('a SQLite database locked by another process', () => {
  let workDir: string;
  let file: string;
  let t: TestApp;
  let client: ClientWithSecret;
  let userId: string;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'provider-faults-'));
    file = join(workDir, 'provider.sqlite');
    t = await createTestApp({ DATABASE_URL: `sqlite:${file}` });
    ({ client } = await partnerAndResourceServer(t));
    userId = (await t.createUser()).id;
  });
  afterAll(async () => {
    await t?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('answers 503 when a write waits past the busy timeout, changes nothing, and serves again once the lock is gone', async () => {
    const pending = await issueCode(t.app, client.client_id, userId);
    // The CLI, or any other process, holding the write lock for longer than the provider waits (5 s).
    const other = await new DataSource({ type: 'better-sqlite3', database: file }).initialize();
    try {
      await other.query('BEGIN IMMEDIATE');
      expectUnavailable(await oauth.exchange(t.http(), client, pending));
    } finally {
      await other.destroy();
    }
    const res = await oauth.exchange(t.http(), client, pending).expect(200);
    expect(res.body.access_token).toEqual(expect.any(String));
  });
});

describe('two instances on one database (checklist item 38): what one does, the other knows at once', () => {
  let workDir: string;
  let database: Awaited<ReturnType<typeof privateDatabase>>;
  let a: TestApp;
  let b: TestApp;
  let client: ClientWithSecret;
  let resourceServer: ClientWithSecret;
  let userId: string;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'provider-instances-'));
    // A database of their own: the key rotation below must not reach other test files' apps.
    database = await privateDatabase('instances');
    const env = onMysql ? database.env : { DATABASE_URL: `sqlite:${join(workDir, 'provider.sqlite')}` };
    // One after the other: the first migrates the database the second then finds ready.
    a = await createTestApp(env);
    b = await createTestApp(env);
    ({ client, resourceServer } = await partnerAndResourceServer(a));
    userId = (await a.createUser()).id;
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await database?.drop();
    rmSync(workDir, { recursive: true, force: true });
  });

  const on = (t: TestApp, as = client) => ({
    clientCredentials: () => oauth.token(t.http(), as, { grant_type: 'client_credentials' }),
    exchange: (code: Code) => oauth.exchange(t.http(), as, code),
    refresh: (refreshToken: string) => oauth.refresh(t.http(), as, refreshToken),
    revoke: (value: string) => oauth.revoke(t.http(), as, value),
    active: async (value: string) =>
      (await oauth.introspect(t.http(), resourceServer, value).expect(200)).body.active as boolean,
  });
  const expectInvalidGrant = (res: Response) => oauth.expectOAuthError(res, 400, 'invalid_grant');
  const tokensOn = async (t: TestApp) =>
    (
      await on(t)
        .exchange(await issueCode(a.app, client.client_id, userId))
        .expect(200)
    ).body;

  it('a code redeemed on one is dead on the other, and replayed there revokes what it gave', async () => {
    const code = await issueCode(a.app, client.client_id, userId);
    const first = (await on(a).exchange(code).expect(200)).body;
    expectInvalidGrant(await on(b).exchange(code));
    expect(await on(a).active(first.access_token)).toBe(false);
    expectInvalidGrant(await on(a).refresh(first.refresh_token));
  });

  it('a refresh token rotated on one is reuse on the other, and the grant dies on both', async () => {
    const first = await tokensOn(a);
    const next = (await on(a).refresh(first.refresh_token).expect(200)).body;
    expect(await on(a).active(next.access_token)).toBe(true);
    expectInvalidGrant(await on(b).refresh(first.refresh_token));
    expect(await on(a).active(next.access_token)).toBe(false);
    expectInvalidGrant(await on(a).refresh(next.refresh_token));
    expect(await on(b).active(next.access_token)).toBe(false);
  });

  it('a revocation on one holds on the other', async () => {
    const tokens = await tokensOn(a);
    expect(await on(a).active(tokens.access_token)).toBe(true);
    expect(await on(b).active(tokens.access_token)).toBe(true);
    await on(b).revoke(tokens.access_token).expect(200);
    expect(await on(a).active(tokens.access_token)).toBe(false);
    await on(a).revoke(tokens.refresh_token).expect(200);
    expectInvalidGrant(await on(b).refresh(tokens.refresh_token));
  });

  it('a key rotated on one signs tokens the other verifies and publishes', async () => {
    const {
      keys: [{ kid }],
    } = await a.app.get(KeysService).rotate({}, { now: true });
    const issued = (await on(a, resourceServer).clientCredentials().expect(200)).body;
    expect(JSON.parse(Buffer.from(issued.access_token.split('.')[0], 'base64url').toString()).kid).toBe(kid);
    expect(await on(b).active(issued.access_token)).toBe(true);
    const jwks = (await b.http().get('/oauth/jwks').expect(200)).body.keys as { kid: string }[];
    expect(jwks.map((key) => key.kid)).toContain(kid);
  });

  it('a client deleted on one is refused by the other, and its tokens with it', async () => {
    const doomed = await a.createClient({
      redirect_uris: [REDIRECT],
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      scope: 'openid profile',
    });
    const issued = (await on(b, doomed).clientCredentials().expect(200)).body;
    expect(await on(b).active(issued.access_token)).toBe(true);
    await a.app.get(ClientsService).delete(doomed.client_id);
    const refused = await on(b, doomed).clientCredentials();
    oauth.expectOAuthError(refused, 401, 'invalid_client');
    expect(await on(b).active(issued.access_token)).toBe(false);
  });

  it('a scope taken from a client on one refuses the tokens the other issued and checked before', async () => {
    const robot = await a.createClient({ grant_types: ['client_credentials'], scope: 'openid profile' });
    const issued = (await on(b, robot).clientCredentials().expect(200)).body;
    expect(await on(b).active(issued.access_token)).toBe(true);
    await a.app.get(ClientsService).update(robot.client_id, { scope: 'openid' });
    expect(await on(b).active(issued.access_token)).toBe(false);
  });

  it('a secret rotated on one is refused by the other at once, and the new one accepted', async () => {
    const rotated = await a.createClient({ grant_types: ['client_credentials'], scope: 'openid' });
    await on(b, rotated).clientCredentials().expect(200);
    const { client_secret: newSecret } = await a.app.get(ClientsService).rotateSecret(rotated.client_id);
    const refused = await on(b, rotated).clientCredentials();
    oauth.expectOAuthError(refused, 401, 'invalid_client');
    await on(b, { ...rotated, client_secret: newSecret })
      .clientCredentials()
      .expect(200);
  });

  // Two instances in one process on one SQLite file would block each other: better-sqlite3 waits
  // for a lock synchronously, holding up the event loop the other instance needs to commit.
  itWith('mysql', 'concurrent redemptions of one code spread over both: exactly one success', async () => {
    const code = await issueCode(a.app, client.client_id, userId);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => on(i % 2 ? a : b).exchange(code)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of results.filter((r) => r.status !== 200)) expectInvalidGrant(r);
  });
});
