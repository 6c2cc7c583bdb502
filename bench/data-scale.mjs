// npm run bench -- --rows N: the provider on a database with a long deployment's history beside one
// on an empty database. Two instances, one on each (fresh SQLite files, or two fresh databases on
// DATABASE_URL's server), the same fixtures made through the CLI; the seeded one then gets N grants
// and the rest in proportion (bench/seed.mjs). Scenarios 1, 3, 4, 2 and 6 run on both in
// alternating rounds: at scale, each must keep within 10 % of its empty-database rate and CPU time
// per request. Then refresh rotation runs on the seeded instance at half its rate, first with
// retention idle (the control), then, the instance restarted with retention due, while retention
// works through the expired backlog: its p99 must stay under 50 ms.
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { databaseSize, queryPlans } from './lib/database.mjs';
import { freshDatabase } from './lib/galera.mjs';
import { measure } from './lib/load.mjs';
import { median } from './lib/stats.mjs';
import { databaseServerPids } from './lib/process.mjs';
import { machine } from './lib/report.mjs';
import { flowSummary, newFlowStats, Ours } from './ours.mjs';
import { backlog, seed, TABLES, tableRows } from './seed.mjs';

/** The most a scenario may lose at scale: 10 % of its rate, 10 % more CPU time per request. */
const TOLERANCE = 0.1;
/** The load's p99 while retention prunes the backlog. */
const P99_MS = 50;
/** Seconds after the seeded instance restarts before retention's first run: time to make the load's tokens. */
const RETENTION_DELAY_S = 20;
/** The load while retention runs, as a share of the rate the seeded instance reached in scenario 3. */
const LOAD_SHARE = 0.5;
/** Seconds of each measurement of the load while retention runs. */
const SLICE_S = 5;
/**
 * Seconds of the same load on the seeded instance before it restarts, retention idle: the control,
 * whose p99 is what the load alone makes of this machine (at most --retention-limit).
 */
const CONTROL_S = 120;
/** The shortest run of scenario 6. */
const FLOW_MIN_S = 5;

const SCENARIOS = [
  ['1', 'client_credentials token (ES256 JWT)'],
  ['3', 'refresh token rotation, chained'],
  ['4', 'introspection of a valid access token'],
  ['2', 'authorization code exchange (+ ID and refresh token)'],
  ['6', 'whole flow with sign-in (flows/s, per-flow ms)'],
];

/** The lookups the scenarios and retention make, with the indexes they must find at scale. */
const HOT_QUERIES = [
  {
    name: 'refresh token by digest, with its successor',
    sql: 'SELECT rt.*, (SELECT EXISTS (SELECT 1 FROM refresh_tokens successor WHERE successor.parent_hash = rt.token_hash)) AS rotated FROM refresh_tokens rt WHERE rt.token_hash = ?',
    params: ['0'.repeat(64)],
  },
  { name: 'refresh token by parent', sql: 'SELECT token_hash FROM refresh_tokens WHERE parent_hash = ?', params: ['0'.repeat(64)] },
  { name: 'grant by id', sql: 'SELECT * FROM grants WHERE id = ?', params: ['x'] },
  { name: 'live grants of a user', sql: 'SELECT * FROM grants WHERE user_id = ? AND revoked_at IS NULL', params: ['x'] },
  { name: 'user by id', sql: 'SELECT * FROM users WHERE id = ?', params: ['x'] },
  { name: 'user by username (sign-in)', sql: 'SELECT * FROM users WHERE username = ?', params: ['x'] },
  { name: 'client by id', sql: 'SELECT * FROM clients WHERE client_id = ?', params: ['x'] },
  { name: 'consent of a user to a client', sql: 'SELECT * FROM consents WHERE user_id = ? AND client_id = ?', params: ['x', 'y'] },
  { name: 'authorization code by digest', sql: 'SELECT * FROM authorization_codes WHERE code_hash = ?', params: ['x'] },
  { name: 'session by id', sql: 'SELECT * FROM sessions WHERE id = ?', params: ['x'] },
  {
    name: 'retention: expired refresh tokens, oldest first',
    sql: 'SELECT token_hash FROM refresh_tokens WHERE expires_at < ? ORDER BY expires_at LIMIT 100',
    params: ['2000-01-01 00:00:00.000'],
  },
  {
    name: 'retention: old failed sign-ins, oldest first',
    sql: "SELECT id FROM audit_events WHERE type = 'login.failed' AND created_at < ? ORDER BY created_at LIMIT 100",
    params: ['2000-01-01 00:00:00.000'],
  },
];

/**
 * The data-scale bench. `settings`: run.mjs's (rounds, duration, warm-up, connections, codes);
 * `mysqlUrl`: DATABASE_URL with --db mysql, whose server gets two fresh databases; else SQLite
 * files in `tempDir`. Answers the results (JSON) and their Markdown; `children` collects the
 * processes started, for the caller to stop on failure.
 */
export async function dataScale({ root, dist, rows, mysqlUrl, settings, providerSettings, tempDir, logDir, log, children, nodeArgs }) {
  const databases = [];
  try {
    const url = async (name) => {
      if (!mysqlUrl) return `sqlite:${join(tempDir, `${name}.sqlite`)}`;
      const database = await freshDatabase(mysqlUrl);
      databases.push(database);
      return database.url;
    };
    // Retention stays idle while the two are compared; it runs in the last part only.
    const idle = { ...providerSettings, RETENTION_INTERVAL: '86400' };
    const empty = new Ours({ root, dist, databaseUrl: await url('empty'), logDir, settings: idle, label: 'ours-empty' });
    const seeded = new Ours({ root, dist, databaseUrl: await url('seeded'), logDir, settings: idle, label: 'ours-seeded' });
    const databasePids = mysqlUrl ? databaseServerPids(Number(new URL(mysqlUrl).port || 3306)) : [];
    log(`data scale: ${rows.toLocaleString('en-US')} grants; starting two instances (${mysqlUrl ? 'MariaDB' : 'SQLite'})`);
    children.push(empty, seeded);
    await Promise.all([empty.start({ nodeArgs }), seeded.start({ nodeArgs })]);
    // One after the other: each makes its users through the CLI (scrypt) four at a time already.
    for (const server of [empty, seeded]) await server.createFixtures({ flowUsers: settings.flowConnections });

    const refreshTokenTtl = Number(providerSettings.REFRESH_TOKEN_TTL);
    log('seeding');
    const seeding = await seed({
      databaseUrl: seeded.databaseUrl,
      rows,
      username: seeded.username,
      refreshTokenTtl,
      log: (line) => log(`  ${line}`),
    });
    log(`seeded ${seeding.total.toLocaleString('en-US')} rows in ${seeding.seconds.toFixed(1)} s (${Math.round(seeding.rowsPerSecond).toLocaleString('en-US')} rows/s)`);
    const plans = await queryPlans(seeded.databaseUrl, HOT_QUERIES);
    for (const p of plans.filter((q) => !q.indexed)) log(`no index: ${p.name}: ${p.plan}`);

    const runs = new Map();
    const record = (key, result) => runs.set(key, [...(runs.get(key) ?? []), result]);
    const sides = [['empty', empty], ['seeded', seeded]];
    const warmup = settings.warmup ? { duration: settings.warmup } : null;
    const timed = (options) => ({ connections: settings.connections, duration: settings.duration, ...options });
    const one = (server, options, extra = {}) =>
      measure({ pid: server.child.pid, options, warmup, databasePids, ...extra });
    const userTokens = new Map();
    for (const [, server] of sides) userTokens.set(server, (await server.redeem(await server.makeCodes(1, 'openid profile')))[0]);
    /** Fresh refresh token chains, four per connection (times `times`): see run.mjs. */
    const chains = async (server, times = 1) =>
      (await server.redeem(await server.makeCodes(settings.connections * 4 * times, 'api'))).map((r) => r.refresh_token);

    const scenario = {
      1: (server) => one(server, timed(server.clientCredentials())),
      3: async (server) => one(server, timed(server.refreshRotation(await chains(server)))),
      4: (server) => one(server, timed(server.introspection(userTokens.get(server).access_token))),
      2: async (server) => {
        const codes = await server.makeCodes(settings.codes + settings.warmupCodes, 'openid profile');
        return one(server, { ...server.codeExchange(codes), connections: settings.connections, amount: settings.codes }, {
          warmup: { amount: settings.warmupCodes, duration: undefined },
        });
      },
      6: async (server) => {
        const stats = newFlowStats();
        // Each flow signs in (scrypt): a run of a few seconds holds too few flows to compare.
        const options = { ...server.flow(stats), connections: settings.flowConnections, duration: Math.max(settings.duration, FLOW_MIN_S) };
        const flowWarmup = warmup && { ...server.flow(newFlowStats()), duration: settings.warmup };
        const result = await one(server, options, { warmup: flowWarmup });
        const flow = flowSummary(stats, result.seconds);
        return { ...result, perRequest: { rps: result.rps, p99: result.p99 }, rps: flow.flowsPerSecond, p50: flow.flowP50, p99: flow.flowP99, failed: flow.failedFlows + result.errors, flow };
      },
    };
    for (let round = 0; round < settings.rounds; round += 1) {
      log(`data scale: round ${round + 1} of ${settings.rounds}`);
      const order = round % 2 === 0 ? sides : [...sides].reverse();
      for (const [id] of SCENARIOS) for (const [side, server] of order) record(`${id}:${side}`, await scenario[id](server));
    }

    const summary = (list) => {
      const pick = (key) => median(list.map((r) => r[key]).filter((v) => v !== null && v !== undefined));
      return {
        rps: pick('rps'),
        p99: pick('p99'),
        cpuPerRequest: pick('cpuPerRequest'),
        databaseCpuPerRequest: databasePids.length ? pick('databaseCpuPerRequest') : null,
        failed: list.reduce((sum, r) => sum + (r.failed ?? r.non2xx + r.errors), 0),
      };
    };
    const compared = SCENARIOS.map(([id, name]) => {
      const [before, after] = ['empty', 'seeded'].map((side) => summary(runs.get(`${id}:${side}`)));
      return { id, scenario: name, empty: before, seeded: after, rpsRatio: after.rps / before.rps, cpuRatio: after.cpuPerRequest / before.cpuPerRequest, rounds: { empty: runs.get(`${id}:empty`), seeded: runs.get(`${id}:seeded`) } };
    });

    // The load under retention runs at half the rate the seeded instance sustained in scenario 3: a
    // server driven at its limit queues every request (50 connections at 1,000 req/s wait 50 ms each
    // on average), and the p99 would measure the queue rather than what retention adds to it.
    const rate = Math.max(1, Math.round(compared.find((row) => row.id === '3').seeded.rps * LOAD_SHARE));
    const retention = await retentionUnderLoad({ seeded, refreshTokenTtl, settings, databasePids, log, chains, rate, nodeArgs });
    const results = {
      kind: 'data-scale',
      rows,
      database: mysqlUrl ? 'MySQL/MariaDB' : 'SQLite (file, WAL)',
      machine: machine(),
      settings,
      seeding,
      plans,
      compared,
      retention,
      targets: targets(compared, retention, plans),
    };
    return results;
  } finally {
    await Promise.all(children.map((c) => c.stop().catch(() => undefined)));
    for (const database of databases) await database.drop().catch((error) => log(`could not drop ${database.name}: ${error.message}`));
  }
}

/**
 * Refresh rotation on `instance` at `rate` req/s, its requests evenly spaced, in back-to-back slices
 * of SLICE_S (the first after a warm-up of as long), while `more()`: each slice's rate, p99 and CPU
 * time per request, timed in seconds from `startedAt`. `label` adds to each slice's log line.
 */
async function rotationSlices({ instance, rate, settings, databasePids, chains, log, startedAt, more, label = () => '' }) {
  const since = (t) => (t - startedAt) / 1000;
  // Chains enough for several slices: a slice's stop breaks at most one chain per connection.
  const pool = await chains(instance, 3);
  const slices = [];
  while (more()) {
    if (pool.length < settings.connections * 2) pool.push(...(await chains(instance)));
    const result = await measure({
      pid: instance.child.pid,
      options: { ...instance.refreshRotation(pool), connections: settings.connections, duration: SLICE_S, overallRate: rate },
      // Its first seconds of load after a start measure the compiler warming up.
      warmup: slices.length === 0 ? { duration: SLICE_S } : undefined,
      databasePids,
    });
    const end = since(performance.now());
    const slice = { start: end - result.seconds, end, rps: result.rps, p50: result.p50, p99: result.p99, failed: result.non2xx + result.errors, cpuPerRequest: result.cpuPerRequest };
    slices.push(slice);
    log(`${instance.label}: ${slice.start.toFixed(0)}-${end.toFixed(0)} s: ${Math.round(result.rps)} req/s, p99 ${result.p99.toFixed(1)} ms${label(slice)}`);
  }
  return slices;
}

/** The slices' median rate, p99 and CPU time per request, their worst p99, and how many reached P99_MS. */
function sliceSummary(list) {
  return {
    slices: list.length,
    rps: list.length ? median(list.map((s) => s.rps)) : null,
    p99Median: list.length ? median(list.map((s) => s.p99)) : null,
    p99Max: list.length ? Math.max(...list.map((s) => s.p99)) : null,
    over: list.filter((s) => s.p99 >= P99_MS).length,
    cpuPerRequest: list.length ? median(list.map((s) => s.cpuPerRequest)) : null,
  };
}

/**
 * The control, then retention under load. The control: the seeded instance, retention idle, under
 * the load for CONTROL_S. Then it restarts with retention due RETENTION_DELAY_S after start-up (then
 * every RETENTION_DELAY_S again), under the same load from before retention starts until its log says
 * the backlog is gone. The database's size and rows before and after, the instance stopped (SQLite's
 * write-ahead log then folded into the file).
 */
async function retentionUnderLoad({ seeded, refreshTokenTtl, settings, databasePids, log, chains, rate, nodeArgs }) {
  const controlFrom = performance.now();
  const controlSeconds = Math.min(CONTROL_S, settings.retentionLimit);
  log(`control: the same load for ${controlSeconds} s with retention idle`);
  const control = await rotationSlices({
    instance: seeded, rate, settings, databasePids, chains, log, startedAt: controlFrom,
    more: () => performance.now() - controlFrom < controlSeconds * 1000,
  });
  await seeded.stop();
  const tables = Object.keys(TABLES);
  const before = {
    rows: await tableRows(seeded.databaseUrl),
    backlog: await backlog(seeded.databaseUrl, refreshTokenTtl),
    size: await databaseSize(seeded.databaseUrl, tables),
  };
  log(`retention: backlog ${JSON.stringify(before.backlog)}; restarting the seeded instance with RETENTION_INTERVAL=${RETENTION_DELAY_S}`);
  const instance = seeded.sibling('ours-seeded-retention');
  instance.env = { ...instance.env, RETENTION_INTERVAL: String(RETENTION_DELAY_S) };
  await instance.start({ nodeArgs });
  const startedAt = performance.now();
  const since = (t) => (t - startedAt) / 1000;
  const logFile = instance.child.logFile;
  const MARK = 'expired rows deleted: ';
  let read = statSync(logFile).size;
  let tail = '';
  /**
   * Whether the provider has logged the end of its first run of retention. Only what it wrote since
   * the last look is read: the log grows by a line per request, and reading it whole ten times a
   * second took the load generator's CPU.
   */
  const ranThrough = () => {
    const fd = openSync(logFile, 'r');
    try {
      const fresh = Buffer.alloc(Math.max(0, fstatSync(fd).size - read));
      read += readSync(fd, fresh, 0, fresh.length, read);
      // With the end of the last read, in case a write was read in two parts.
      const text = tail + fresh.toString('utf8');
      tail = text.slice(-MARK.length);
      return text.includes(MARK);
    } finally {
      closeSync(fd);
    }
  };
  let finishedAt;
  const watcher = setInterval(() => {
    finishedAt ??= ranThrough() ? performance.now() : undefined;
  }, 100);
  const pruning = (slice) => slice.end > RETENTION_DELAY_S && (finishedAt === undefined || since(finishedAt) > slice.start);
  let slices;
  try {
    slices = await rotationSlices({
      instance, rate, settings, databasePids, chains, log, startedAt,
      more: () => finishedAt === undefined && since(performance.now()) < settings.retentionLimit,
      label: (slice) => (pruning(slice) ? ' (pruning)' : ''),
    });
  } finally {
    clearInterval(watcher);
  }
  const finished = finishedAt !== undefined || ranThrough();
  finishedAt ??= performance.now();
  await instance.stop();
  const seconds = since(finishedAt) - RETENTION_DELAY_S;
  const after = {
    rows: await tableRows(seeded.databaseUrl),
    backlog: await backlog(seeded.databaseUrl, refreshTokenTtl),
    size: await databaseSize(seeded.databaseUrl, tables),
  };
  // Counted in the tables, so that a run stopped at the limit counts what it did too.
  const sum = (counts) => Object.values(counts).reduce((a, b) => a + b, 0);
  const pruned = sum(before.backlog) - sum(after.backlog);
  const marked = slices.map((slice) => ({ ...slice, pruning: pruning(slice) }));
  return {
    finished,
    limit: settings.retentionLimit,
    pruned,
    seconds,
    rowsPerSecond: pruned / seconds,
    before,
    after,
    slices: marked,
    controlSlices: control,
    scenario: 'refresh token rotation, chained',
    rate,
    control: sliceSummary(control),
    idle: sliceSummary(marked.filter((s) => !s.pruning)),
    load: sliceSummary(marked.filter((s) => s.pruning)),
    /** Failed requests in the control and while retention ran. */
    failed: [...control, ...slices].reduce((n, s) => n + s.failed, 0),
  };
}

function targets(compared, retention, plans) {
  const pct = (ratio) => (Number.isFinite(ratio) ? `${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(1)} %` : '–');
  const out = [];
  for (const row of compared) {
    out.push({
      target: `${row.id} ${row.scenario}: req/s at scale ≥ 90 % of empty`,
      measured: `${Math.round(row.seeded.rps)} vs ${Math.round(row.empty.rps)} (${pct(row.rpsRatio)})`,
      met: row.rpsRatio >= 1 - TOLERANCE,
    });
    out.push({
      target: `${row.id} ${row.scenario}: CPU µs/req at scale ≤ 110 % of empty`,
      measured: `${Math.round(row.seeded.cpuPerRequest)} vs ${Math.round(row.empty.cpuPerRequest)} (${pct(row.cpuRatio)})`,
      met: row.cpuRatio <= 1 + TOLERANCE,
    });
  }
  out.push({
    target: 'retention works through the expired backlog under load',
    measured: retention.finished
      ? `${retention.pruned.toLocaleString('en-US')} rows in ${retention.seconds.toFixed(1)} s (${Math.round(retention.rowsPerSecond).toLocaleString('en-US')} rows/s)`
      : `${retention.pruned.toLocaleString('en-US')} rows in ${retention.seconds.toFixed(1)} s (${Math.round(retention.rowsPerSecond).toLocaleString('en-US')} rows/s), then stopped at ${retention.limit} s with ${Object.values(retention.after.backlog).reduce((a, b) => a + b, 0).toLocaleString('en-US')} left`,
    met: retention.finished,
  });
  out.push({
    target: `load p99 < ${P99_MS} ms while retention runs (every ${SLICE_S} s slice)`,
    measured: retention.load.slices
      ? `worst ${num(retention.load.p99Max)} ms, median ${num(retention.load.p99Median)} ms, ${retention.load.over} of ${retention.load.slices} slice(s) at ${P99_MS} ms or more; the load alone (control): worst ${num(retention.control.p99Max)} ms, median ${num(retention.control.p99Median)} ms, ${retention.control.over} of ${retention.control.slices}`
      : 'no slice while pruning',
    met: retention.load.slices > 0 && retention.load.p99Max < P99_MS,
  });
  const failed = compared.reduce((sum, r) => sum + r.empty.failed + r.seeded.failed, 0) + retention.failed;
  out.push({ target: 'no failed valid request', measured: `${failed} failed`, met: failed === 0 });
  const unindexed = plans.filter((p) => !p.indexed);
  out.push({
    target: 'every hot-path lookup uses an index',
    measured: unindexed.length ? unindexed.map((p) => p.name).join(', ') : `${plans.length} of ${plans.length}`,
    met: unindexed.length === 0,
  });
  return out;
}

const num = (n, digits = 0) => (n === null || n === undefined || Number.isNaN(n) ? '–' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const mb = (bytes) => `${num(bytes / 2 ** 20)} MB`;

/** The data-scale report in Markdown. */
export function dataScaleMarkdown(r) {
  const m = r.machine;
  const s = r.settings;
  const lines = [];
  lines.push(`Data scale: ${num(r.rows)} grants; run ${new Date().toISOString()} on ${m.nproc} × ${m.cpuModel}, Node ${m.node}; database ${r.database};`);
  lines.push(`${s.connections} connections (scenario 6: ${s.flowConnections}), ${s.warmup} s warm-up + ${s.duration} s per run, ${s.rounds} alternating round(s) of empty and seeded; medians over rounds.`);
  lines.push('');
  const c = r.seeding.counts;
  lines.push(`Seeded ${num(r.seeding.total)} rows (${num(c.users)} users, ${num(c.clients)} clients, ${num(c.grants)} grants, ${num(c.refresh_tokens)} refresh tokens, ${num(c.audit_events)} audit events) in ${num(r.seeding.seconds, 1)} s, ${num(r.seeding.rowsPerSecond)} rows/s.`);
  lines.push('');
  const database = r.compared.some((row) => row.seeded.databaseCpuPerRequest !== null);
  lines.push(`| # | scenario | req/s empty | req/s seeded | Δ | CPU µs/req empty | CPU µs/req seeded | Δ |${database ? ' DB µs/req empty | DB µs/req seeded |' : ''} p99 ms empty | p99 ms seeded |`);
  lines.push(`|---|---|---:|---:|---:|---:|---:|---:|${database ? '---:|---:|' : ''}---:|---:|`);
  const pct = (ratio) => (Number.isFinite(ratio) ? `${ratio >= 1 ? '+' : ''}${num((ratio - 1) * 100, 1)} %` : '–');
  for (const row of r.compared) {
    const db = database ? ` ${num(row.empty.databaseCpuPerRequest)} | ${num(row.seeded.databaseCpuPerRequest)} |` : '';
    lines.push(`| ${row.id} | ${row.scenario} | ${num(row.empty.rps)} | ${num(row.seeded.rps)} | ${pct(row.rpsRatio)} | ${num(row.empty.cpuPerRequest)} | ${num(row.seeded.cpuPerRequest)} | ${pct(row.cpuRatio)} |${db} ${num(row.empty.p99, 1)} | ${num(row.seeded.p99, 1)} |`);
  }
  lines.push('');
  const t = r.retention;
  const b = t.before.size;
  const a = t.after.size;
  const rowsLine = (rows) => Object.entries(rows).map(([table, n]) => `${table} ${num(n)}`).join(', ');
  lines.push(`Retention under load (${t.scenario}, ${s.connections} connections, capped at ${num(t.rate)} req/s, ${LOAD_SHARE * 100} % of scenario 3's seeded rate): backlog ${num(t.before.backlog.refresh_tokens)} refresh tokens and ${num(t.before.backlog.audit_events)} failed sign-ins; deleted ${num(t.pruned)} rows in ${num(t.seconds, 1)} s (${num(t.rowsPerSecond)} rows/s)${t.finished ? '' : `, then stopped at the limit of ${num(t.limit)} s with ${num(t.after.backlog.refresh_tokens)} refresh tokens and ${num(t.after.backlog.audit_events)} failed sign-ins left`}.`);
  lines.push(`The load while retention ran: ${num(t.load.rps)} req/s, p99 median ${num(t.load.p99Median)} ms, worst ${num(t.load.p99Max)} ms, ${t.load.over} of ${t.load.slices} slice(s) of ${SLICE_S} s at ${P99_MS} ms or more, ${num(t.load.cpuPerRequest)} µs CPU a request; before it started: ${num(t.idle.rps)} req/s, p99 ${num(t.idle.p99Median)} ms, ${num(t.idle.cpuPerRequest)} µs CPU a request.`);
  lines.push(`The same load with retention idle, before the restart (the control): ${num(t.control.rps)} req/s, p99 median ${num(t.control.p99Median)} ms, worst ${num(t.control.p99Max)} ms, ${t.control.over} of ${t.control.slices} slice(s) at ${P99_MS} ms or more, ${num(t.control.cpuPerRequest)} µs CPU a request.`);
  lines.push(`Rows before: ${rowsLine(t.before.rows)}; after (the load adds its own): ${rowsLine(t.after.rows)}.`);
  lines.push(`Database on disk: ${mb(b.bytes)} before retention${b.free ? ` (${mb(b.free)} of it free)` : ''}, ${mb(a.bytes)} after, of which ${mb(a.free)} free for reuse${r.database.startsWith('SQLite') ? ' (SQLite reuses free pages for new rows; only VACUUM gives them back to the file system)' : ' (InnoDB data_free: reused by new rows; OPTIMIZE TABLE gives it back)'}.`);
  lines.push('');
  lines.push('| target | measured | met |');
  lines.push('|---|---|:---:|');
  for (const x of r.targets) lines.push(`| ${x.target} | ${x.measured} | ${x.met ? 'yes' : '**no**'} |`);
  lines.push('');
  lines.push(`Query plans at scale (${r.database.startsWith('SQLite') ? 'EXPLAIN QUERY PLAN' : 'EXPLAIN'}):`);
  lines.push('');
  lines.push('| lookup | plan | index |');
  lines.push('|---|---|:---:|');
  for (const p of r.plans) lines.push(`| ${p.name} | ${p.plan.replace(/\|/g, '\\|')} | ${p.indexed ? 'yes' : '**no**'} |`);
  return lines.join('\n');
}
