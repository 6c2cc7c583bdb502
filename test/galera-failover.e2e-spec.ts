import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createConnection, RowDataPacket } from 'mysql2/promise';
import { Response, Test } from 'supertest';
import { ClientWithSecret } from '../src/clients/clients.service';
import { AnswerLedger, seconds } from './helpers/answer-ledger';
import { createTestApp, GENEROUS_RATE_LIMITS } from './helpers/create-test-app';
import { clusterDatabase, ClusterDatabase } from './helpers/galera';
import { killNode, restartNode, syncedNodes, writerNode } from './helpers/galera-nodes';
import { inBatches } from './helpers/in-batches';
import { authorize, pkcePair } from './helpers/oauth-client';
import * as oauth from './helpers/partner';
import { describeWith } from './helpers/requirements';
import { spawnInstance, SpawnedInstance } from './helpers/spawned-instance';

/*
 * The writer node of a Galera cluster killed under load, and started again: two instances, both
 * through HAProxy, sixteen partners signing users in, refreshing, asking for their own tokens,
 * introspecting and revoking. While HAProxy fails over, an answer may be 503 temporarily_unavailable
 * (retried as Retry-After says); never anything else. Afterwards every token answered 200 is as the
 * load left it, and the database shows no code or refresh token used twice. It kills a node that
 * every other spec on the cluster uses too: run it alone, as .ci/run does.
 */

const PARTNERS = 16;
const KILL_AT_MS = 8_000;
const RESTART_AT_MS = 18_000;
/** The load runs this long at least, and on until SETTLED_MS after the restarted node is back. */
const LOAD_MS = 30_000;
/** The last stretch of the load, all after the restart: no 503 in it. */
const SETTLED_MS = 5_000;
/**
 * The failover's bound, both from the kill to the last 503 and for the longest time without any answer.
 * Measured (three runs on a shared two-core machine): 0-3 503s a run, all at the kill itself (reads
 * that lost their connection), and 3.1-3.5 s without an answer from the kill on: HAProxy marks the
 * writer down after two failed checks 500 ms apart, and the other nodes hold writes and causal reads
 * until they drop it from the cluster (evs.suspect_timeout, 2 s); meanwhile requests wait rather than
 * fail. Ten seconds is three times that: room for a busier machine, none for a second outage.
 */
const FAILOVER_BOUND_MS = 10_000;
/** How often a partner sends a request again after a 503 before it counts as a failure. */
const ATTEMPTS = 20;

const KINDS = [
  'client_credentials',
  'sign-in',
  'authorization_code',
  'refresh',
  'introspection',
  'revocation',
] as const;
type Kind = (typeof KINDS)[number];

/** A grant as its partner holds it: the refresh token last answered 200, and whether the partner revoked it. */
interface HeldGrant {
  refreshToken: string;
  revoked: boolean;
}

/** An access token answered 200: how and when, of which grant (none for client_credentials), and whether the partner revoked it. */
interface HeldToken {
  value: string;
  kind: Kind;
  at: number;
  grant?: HeldGrant;
  revoked: boolean;
}

/** Everything the load was answered 200 for, which must still work afterwards unless the load revoked it. */
interface Holdings {
  tokens: HeldToken[];
  grants: HeldGrant[];
}

/** The message of the assertion `check` makes fail; undefined if it holds. */
function mismatch(check: () => void): string | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

const retryAfterMs = (res: Response) => Number(res.headers['retry-after']) * 1000;

/** The 503 page a person sees while the database is away: HTML, and when to try again. */
function expectUnavailablePage(res: Response): void {
  expect({ status: res.status, type: res.headers['content-type'] }).toEqual({
    status: 503,
    type: expect.stringMatching(/^text\/html/),
  });
  expect(res.headers['retry-after']).toMatch(/^[1-9]\d*$/);
}

/** One partner of the load, on one instance: signs its user in, refreshes, asks for tokens of its own, introspects and revokes. */
class Partner {
  private grant?: HeldGrant;
  private userToken?: HeldToken;
  private robotToken?: HeldToken;
  private introspections = 0;
  private revocations = 0;

  constructor(
    private readonly instance: SpawnedInstance,
    private readonly client: ClientWithSecret,
    private readonly user: { username: string; password: string },
    private readonly ledger: AnswerLedger,
    private readonly holdings: Holdings,
  ) {}

  /** Goes round its steps from `first` while `running()`; the step under way is finished, retries and all. */
  async run(first: number, running: () => boolean): Promise<void> {
    // Every kind several times a round; partners start at different steps, so the kinds interleave.
    const round = [
      () => this.refresh(),
      () => this.clientCredentials(),
      () => this.introspect(),
      () => this.refresh(),
      () => this.signIn(),
      () => this.introspect(),
      () => this.clientCredentials(),
      () => this.refresh(),
      () => this.revoke(),
      () => this.introspect(),
    ];
    for (let step = first; running(); step++) await round[step % round.length]();
  }

  /** A new grant through login, consent and the code exchange; the grant held so far stays valid. */
  private async signIn(): Promise<void> {
    const code = await this.authorizationCode();
    if (!code) return;
    const res = await this.answer('authorization_code', () => oauth.exchange(this.http(), this.client, code));
    if (!res) return;
    this.grant = { refreshToken: res.body.refresh_token, revoked: false };
    this.holdings.grants.push(this.grant);
    this.userToken = this.hold('authorization_code', res.body.access_token, this.grant);
  }

  /** A code from login and consent in a browser of its own; after a 503 page, the whole walk again. */
  private async authorizationCode(): Promise<{ code: string; verifier: string } | undefined> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const pages: Response[] = [];
      const browser = this.instance.browser().on('response', (res: Response) => {
        pages.push(res);
        this.ledger.record('sign-in', res.status);
      });
      const { verifier, challenge } = pkcePair();
      let redirect: URL;
      try {
        redirect = await authorize(
          browser,
          {
            response_type: 'code',
            client_id: this.client.client_id,
            redirect_uri: oauth.PARTNER_REDIRECT,
            scope: 'openid profile',
            code_challenge: challenge,
            code_challenge_method: 'S256',
          },
          this.user,
        );
      } catch (error) {
        const last = pages.at(-1);
        if (last?.status !== 503) return this.ledger.fail('sign-in', `${(error as Error).message}`);
        const problem = mismatch(() => expectUnavailablePage(last));
        if (problem) return this.ledger.fail('sign-in', problem);
        await sleep(retryAfterMs(last));
        continue;
      }
      const code = redirect.searchParams.get('code');
      return code ? { code, verifier } : this.ledger.fail('sign-in', `redirected without a code: ${redirect}`);
    }
    return this.ledger.fail('sign-in', `still 503 after ${ATTEMPTS} walks`);
  }

  private async refresh(): Promise<void> {
    const grant = this.grant;
    if (!grant) return this.signIn();
    const res = await this.answer('refresh', () => oauth.refresh(this.http(), this.client, grant.refreshToken));
    if (!res) {
      // Recorded as a failure; the grant's last refresh token stays as it was, for the check afterwards.
      this.grant = undefined;
      return;
    }
    grant.refreshToken = res.body.refresh_token;
    this.userToken = this.hold('refresh', res.body.access_token, grant);
  }

  private async clientCredentials(): Promise<void> {
    const res = await this.answer('client_credentials', () =>
      oauth.token(this.http(), this.client, { grant_type: 'client_credentials' }),
    );
    if (res) this.robotToken = this.hold('client_credentials', res.body.access_token);
  }

  /** Its user's access token and its own in turn: active, since it revoked neither. */
  private async introspect(): Promise<void> {
    const token = this.introspections++ % 2 ? this.userToken : this.robotToken;
    if (!token) return;
    const res = await this.answer('introspection', () => oauth.introspect(this.http(), this.client, token.value));
    if (res && res.body.active !== true)
      this.ledger.fail('introspection', `a token issued at ${seconds(token.at)} and not revoked: ${res.text}`);
  }

  /** Its own access token, its user's, and its user's grant by the refresh token, in turn. */
  private async revoke(): Promise<void> {
    const which = this.revocations++ % 3;
    if (which === 2) return this.revokeGrant();
    const token = which === 0 ? this.robotToken : this.userToken;
    if (!token) return;
    if (!(await this.answer('revocation', () => oauth.revoke(this.http(), this.client, token.value)))) return;
    token.revoked = true;
    if (which === 0) this.robotToken = undefined;
    else this.userToken = undefined;
  }

  /** Revokes the grant, then presents its refresh token once more: refused with invalid_grant, nothing else. */
  private async revokeGrant(): Promise<void> {
    const grant = this.grant;
    if (!grant) return;
    if (!(await this.answer('revocation', () => oauth.revoke(this.http(), this.client, grant.refreshToken)))) return;
    grant.revoked = true;
    this.grant = undefined;
    this.userToken = undefined;
    const res = await this.answer('refresh', () => oauth.refresh(this.http(), this.client, grant.refreshToken), 400);
    const problem = res && mismatch(() => oauth.expectOAuthError(res, 400, 'invalid_grant'));
    if (problem) this.ledger.fail('refresh', `of a revoked grant: ${problem}`);
  }

  /**
   * The answer to `send` if its status is `expected`, sending it again after each 503 once Retry-After
   * has passed, as a partner does; anything else is recorded as a failure, and answered undefined.
   */
  private async answer(kind: Kind, send: () => Test, expected = 200): Promise<Response | undefined> {
    const unavailable: number[] = [];
    const failed = (detail: string) =>
      this.ledger.fail(
        kind,
        unavailable.length ? `${detail}, after 503s at ${unavailable.map(seconds).join(', ')}` : detail,
      );
    for (;;) {
      let res: Response;
      try {
        res = await send();
      } catch (error) {
        return failed(`no answer: ${(error as Error).message}`);
      }
      this.ledger.record(kind, res.status);
      if (res.status === expected) return res;
      if (res.status !== 503) return failed(`${res.status} ${res.text}`);
      const problem = mismatch(() => oauth.expectOAuthError(res, 503, 'temporarily_unavailable'));
      if (problem) return failed(problem);
      unavailable.push(this.ledger.now());
      if (unavailable.length === ATTEMPTS) return failed('still 503');
      await sleep(retryAfterMs(res));
    }
  }

  private hold(kind: Kind, value: string, grant?: HeldGrant): HeldToken {
    const token = { value, kind, at: this.ledger.now(), grant, revoked: false };
    this.holdings.tokens.push(token);
    return token;
  }

  private http() {
    return this.instance.http();
  }
}

/** What the database says of single use and of revocation, counted. */
async function databaseCounts(url: string) {
  const connection = await createConnection(url);
  const count = async (sql: string) => Number((await connection.query<RowDataPacket[]>(sql))[0][0].n);
  try {
    return {
      // Each grant is born of one code, which names it: a grant no code names is a code consumed twice.
      grantsNoCodeNames: await count(
        'SELECT COUNT(*) AS n FROM grants g LEFT JOIN authorization_codes c ON c.grant_id = g.id WHERE c.code_hash IS NULL',
      ),
      tokensWithTwoSuccessors: await count(
        'SELECT COUNT(*) AS n FROM (SELECT parent_hash FROM refresh_tokens WHERE parent_hash IS NOT NULL GROUP BY parent_hash HAVING COUNT(*) > 1) twice',
      ),
      reuseDetected: await count(
        "SELECT COUNT(*) AS n FROM audit_events WHERE type IN ('code.reuse_detected', 'refresh_token.reuse_detected')",
      ),
      revokedGrants: await count('SELECT COUNT(*) AS n FROM grants WHERE revoked_at IS NOT NULL'),
    };
  } finally {
    await connection.end();
  }
}

describeWith('galera', 'the writer node of a Galera cluster killed under load, and started again', () => {
  let db: ClusterDatabase;
  let workDir: string;
  const instances: SpawnedInstance[] = [];
  let client: ClientWithSecret;
  let users: { username: string; password: string }[];
  let outage: Promise<unknown> | undefined;

  beforeAll(async () => {
    // A node still out from an earlier run would leave the cluster no majority once another is killed.
    expect(await syncedNodes()).toBe(3);
    db = await clusterDatabase('galera_failover');
    workDir = mkdtempSync(join(tmpdir(), 'galera-failover-'));
    // Migrated, and the partner and its users made, by an app gone before the load begins.
    const setup = await createTestApp({ DATABASE_URL: db.url('haproxy') });
    try {
      client = await setup.createClient({
        grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
        scope: 'openid profile',
      });
      // A person for each partner: parallel sign-ins of one username are guesses, and its back-off would refuse them.
      users = await Promise.all(Array.from({ length: PARTNERS }, () => setup.createUser()));
    } finally {
      await setup.close();
    }
    // One deployment behind one name: one issuer, whichever instance issued a token or is asked about it.
    const env = {
      ...GENEROUS_RATE_LIMITS,
      DATABASE_URL: db.url('haproxy'),
      ISSUER: 'http://localhost:3000',
      LOG_LEVEL: 'warn',
    };
    // One after the other, each closed in afterAll even if the next fails to start.
    for (let i = 0; i < 2; i++) instances.push(await spawnInstance(workDir, env));
  }, 60_000);

  afterAll(async () => {
    // The node is back in the cluster even when the test failed half-way.
    await outage?.catch(() => undefined);
    await Promise.all(instances.map((instance) => instance.close()));
    await db?.drop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  }, 60_000);

  /** The transactions the instances ran again, by the error that refused them (their log). */
  function retriedTransactions(): Record<string, number> {
    const codes: Record<string, number> = {};
    for (const { msg } of instances.flatMap((instance) => instance.logged())) {
      const code = /^transaction refused \((\w+)\)/.exec(msg ?? '')?.[1];
      if (code) codes[code] = (codes[code] ?? 0) + 1;
    }
    return codes;
  }

  /** Kills the writer at KILL_AT_MS, starts it again at RESTART_AT_MS, and lets the load run on: when each was done. */
  async function killAndRestart(writer: number, ledger: AnswerLedger) {
    await sleep(KILL_AT_MS - ledger.now());
    await killNode(writer);
    const killedAt = ledger.now();
    await sleep(RESTART_AT_MS - ledger.now());
    await restartNode(writer);
    const restartedAt = ledger.now();
    await sleep(Math.max(LOAD_MS, restartedAt + SETTLED_MS) - ledger.now());
    return { killedAt, restartedAt, stoppedAt: ledger.now() };
  }

  /** Runs the partners until `timeline` has settled; when its steps were done. */
  async function underLoad(ledger: AnswerLedger, holdings: Holdings, writer: number) {
    let stopped = false;
    const timeline = killAndRestart(writer, ledger).finally(() => (stopped = true));
    outage = timeline;
    const load = Promise.all(
      Array.from({ length: PARTNERS }, (_, i) =>
        new Partner(instances[i % 2], client, users[i], ledger, holdings).run(i, () => !stopped),
      ),
    );
    try {
      return await timeline;
    } finally {
      await load;
    }
  }

  /** Each token and grant as the load left it, through either instance: one the load did not revoke that no longer works is lost. */
  async function lostAfterwards(holdings: Holdings, ledger: AnswerLedger): Promise<string[]> {
    const lost: string[] = [];
    const through = (i: number) => instances[i % 2].http();
    await inBatches([...holdings.tokens.entries()], PARTNERS, async ([i, token]) => {
      const res = await oauth.introspect(through(i), client, token.value).expect(200);
      const revoked = token.revoked || token.grant?.revoked === true;
      if (res.body.active === !revoked) return;
      const what = `access token from ${token.kind} at ${seconds(token.at)}`;
      if (revoked) ledger.fail('introspection', `${what}, revoked, is active`);
      else lost.push(`${what}: ${res.text}`);
    });
    const standing = holdings.grants.filter((grant) => !grant.revoked);
    await inBatches([...standing.entries()], PARTNERS, async ([i, grant]) => {
      const res = await oauth.refresh(through(i), client, grant.refreshToken);
      if (res.status !== 200) lost.push(`refresh token: ${res.status} ${res.text}`);
    });
    return lost;
  }

  it('answers 200 or 503 temporarily_unavailable throughout, fails over within seconds, serves again after the restart, and loses nothing', async () => {
    const writer = await writerNode();
    const ledger = new AnswerLedger();
    const holdings: Holdings = { tokens: [], grants: [] };
    const { killedAt, restartedAt, stoppedAt } = await underLoad(ledger, holdings, writer);

    const lost = await lostAfterwards(holdings, ledger);
    const database = await databaseCounts(db.url('haproxy'));
    const revokedByLoad = holdings.grants.filter((grant) => grant.revoked).length;
    const failoverMs = (ledger.lastUnavailable() ?? killedAt) - killedAt;
    const run503 = ledger.longestUnavailableRun();
    const silence = ledger.longestSilence();
    const settled = ledger.answers.filter((answer) => answer.at >= stoppedAt - SETTLED_MS);
    const served = (kind?: Kind) => ledger.count((status) => status < 400, kind);

    process.stdout.write(
      [
        `galera failover: node${writer} killed at ${seconds(killedAt)}, back at ${seconds(restartedAt)}, load until ${seconds(stoppedAt)}`,
        `${ledger.answers.length} requests, ${served()} 200s (and sign-in 303s), ${ledger.count((s) => s === 503)} 503s, ` +
          `${ledger.count((s) => s === 400)} 400s (refresh tokens of revoked grants, on purpose), ${ledger.failures.length} other failures`,
        `failover ${seconds(failoverMs)} from the kill to the last 503, longest run of 503s ${seconds(run503.ms)} (${run503.answers}), ` +
          `longest silence ${seconds(silence.ms)} from ${seconds(silence.from)}`,
        `last ${seconds(SETTLED_MS)}: ${settled.length} answers, ${settled.filter((a) => a.status === 503).length} 503s`,
        `checked afterwards ${holdings.tokens.length} access tokens and ${holdings.grants.length - revokedByLoad} refresh tokens, ${lost.length} lost`,
        `served ${KINDS.map((kind) => `${kind} ${served(kind)}`).join(', ')}`,
        `database ${JSON.stringify(database)}, transactions run again ${JSON.stringify(retriedTransactions())}\n`,
      ].join('; '),
    );
    for (const line of [...ledger.failures, ...lost].slice(0, 30)) process.stdout.write(`  ${line}\n`);

    expect(ledger.failures).toEqual([]);
    expect(lost).toEqual([]);
    expect(database).toEqual({
      grantsNoCodeNames: 0,
      tokensWithTwoSuccessors: 0,
      reuseDetected: 0,
      revokedGrants: revokedByLoad,
    });
    expect(failoverMs).toBeLessThanOrEqual(FAILOVER_BOUND_MS);
    expect(silence.ms).toBeLessThanOrEqual(FAILOVER_BOUND_MS);
    // Served again after the restart, and nothing but served.
    expect(settled.length).toBeGreaterThan(0);
    expect(settled.filter((answer) => answer.status === 503)).toEqual([]);
    // A real mix: every kind served many times.
    expect(Math.min(...KINDS.map(served))).toBeGreaterThanOrEqual(20);
  }, 120_000);
});
