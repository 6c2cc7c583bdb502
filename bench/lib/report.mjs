// The bench's output: a Markdown report for stdout (and BENCHMARKS.md) and the JSON beside it.
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { safeRead } from './process.mjs';

export function machine() {
  const cpuModel = /^model name\s*:\s*(.+)$/m.exec(safeRead('/proc/cpuinfo'))?.[1] ?? cpus()[0]?.model ?? 'unknown';
  let nproc = cpus().length;
  let free = '';
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim());
    free = execFileSync('free', ['-h'], { encoding: 'utf8' }).trim();
  } catch {
    // not on this system
  }
  return { nproc, cpuModel, memoryBytes: totalmem(), free, node: process.version, platform: `${process.platform} ${process.arch}` };
}

const num = (n, digits = 0) => (n === null || n === undefined || Number.isNaN(n) ? '–' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const mb = (bytes) => (bytes ? `${num(bytes / 2 ** 20)} MB` : '–');

/** The report: machine, table, targets. */
export function markdown(results) {
  const { machine: m, settings } = results;
  const lines = [];
  lines.push(`Run ${results.finishedAt} on ${m.nproc} × ${m.cpuModel}, ${num(m.memoryBytes / 2 ** 30, 1)} GiB RAM, Node ${m.node}; database ${results.database};`);
  lines.push(`${settings.connections} connections (scenario 6: ${settings.flowConnections}), ${settings.warmup} s warm-up + ${settings.duration} s per run, ${settings.rounds} alternating round(s); medians over rounds.`);
  lines.push('');
  // A database server on this machine (MySQL/MariaDB, or oidc-provider's Redis) gets a column of its
  // own CPU time per request; every row carries the figure, null where it was not measured.
  const database = results.rows.some((row) => row.databaseCpuPerRequest !== null);
  lines.push(`| # | scenario | server | req/s | p50 ms | p99 ms | failed | peak RSS | CPU µs/req |${database ? ' database or Redis CPU µs/req |' : ''} ${results.ratio} |`);
  lines.push(`|---|---|---|---:|---:|---:|---:|---:|---:|${database ? '---:|' : ''}---:|`);
  for (const row of results.rows) {
    const cpuRatio = row.cpuRatio === undefined ? '' : ` (${num(row.cpuRatio, 2)}×)`;
    const ratio = row.ratio === undefined ? '' : `**${num(row.ratio, 2)}×**${cpuRatio}`;
    const databaseCpu = database ? ` ${row.databaseCpuPerRequest === null ? '' : num(row.databaseCpuPerRequest)} |` : '';
    lines.push(`| ${row.id} | ${row.scenario} | ${row.server} | ${num(row.rps)} | ${num(row.p50, row.p50 < 10 ? 1 : 0)} | ${num(row.p99, row.p99 < 10 ? 1 : 0)} | ${num(row.failed)} | ${mb(row.peakRss)} | ${num(row.cpuPerRequest)} |${databaseCpu} ${ratio} |`);
  }
  lines.push('');
  lines.push('| target | measured | met |');
  lines.push('|---|---|:---:|');
  for (const t of results.targets) lines.push(`| ${t.target} | ${t.measured} | ${t.met ? 'yes' : '**no**'} |`);
  return lines.join('\n');
}
