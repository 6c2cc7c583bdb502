// node bench/rate-cost.mjs [SECONDS]: what one request costs at shares of the peak rate.
// One instance of dist/ (build it first) on a fresh SQLite file, for introspection (reads only) and
// refresh rotation (writes): each at its peak with 50 connections, then evenly spaced at 50 %, 25 %
// and 3 % of that peak. Beside it the machine's floor, a bare node:http server answering a fixed
// document, at its peak and at introspection's rates. SECONDS each (default 5): req/s, the server's
// CPU time per request, how much of the wall clock its main thread was on a CPU
// (/proc/PID/task/PID/schedstat, the kernel's exact count), and p99.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure } from './lib/load.mjs';
import { BENCH_SETTINGS } from './lib/settings.mjs';
import { Ours } from './ours.mjs';
import { ReferenceServer } from './reference.mjs';

/** The shares of each scenario's peak rate it is then measured at. */
const SHARES = [0.5, 0.25, 0.03];
const num = (n) => Math.round(n).toLocaleString('en-US');
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const seconds = Number(process.argv[2] ?? 5);
// Retention stays idle: its pauses are not what is measured.
const settings = { ...BENCH_SETTINGS, RETENTION_INTERVAL: '86400' };

/** Nanoseconds the process's main thread has spent on a CPU. */
const mainThreadNs = (pid) => Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[0]);

const dir = mkdtempSync(join(tmpdir(), 'oauth-bench-'));
const ours = new Ours({ root, databaseUrl: `sqlite:${join(dir, 'provider.sqlite')}`, logDir: dir, settings });
const floor = new ReferenceServer({ root, logDir: dir, label: 'node:http', script: 'ceiling.mjs' });
try {
  await Promise.all([ours.start(), floor.start()]);
  await ours.createFixtures();
  const [{ access_token: accessToken }] = await ours.redeem(await ours.makeCodes(1, 'api'));
  const chains = (await ours.redeem(await ours.makeCodes(50 * 20, 'api'))).map((r) => r.refresh_token);
  const row = async (name, pid, options, rate) => {
    const before = { ns: mainThreadNs(pid), at: performance.now() };
    const r = await measure({
      pid,
      options: { ...options, connections: 50, duration: seconds, overallRate: rate },
      warmup: rate ? undefined : { duration: 2 },
    });
    const busy = (mainThreadNs(pid) - before.ns) / 1e6 / (performance.now() - before.at);
    console.log(
      `| ${name} | ${rate ? `${num(rate)} req/s, evenly spaced` : 'as fast as it answers'} | ${num(r.rps)} | ${num(r.cpuPerRequest)} | ${Math.round(busy * 100)} % | ${r.p99.toFixed(1)} |`,
    );
    return r.rps;
  };
  console.log('| server and scenario | load | req/s | CPU µs/req | main thread on a CPU | p99 ms |');
  console.log('|---|---|---:|---:|---:|---:|');
  let rates;
  for (const [name, options] of [
    ['introspection', () => ours.introspection(accessToken)],
    ['refresh rotation', () => ours.refreshRotation(chains)],
  ]) {
    const peak = await row(name, ours.child.pid, options());
    const paced = SHARES.map((share) => Math.round(peak * share));
    for (const rate of paced) await row(name, ours.child.pid, options(), rate);
    rates ??= paced;
  }
  // At introspection's rates: the bare server's peak is beyond what the evenly spaced sender can send.
  await row('node:http, fixed document', floor.child.pid, floor.fixedJson());
  for (const rate of rates) await row('node:http, fixed document', floor.child.pid, floor.fixedJson(), rate);
} finally {
  await Promise.all([ours.stop(), floor.stop()]);
  rmSync(dir, { recursive: true, force: true });
}
