// node bench/profile-summary.mjs FILE.cpuprofile... [N] [LAST_SECONDS]: where the CPU time went, by
// package, by function (self time) and by function with what it called (inclusive), from the
// profiles written by `npm run bench -- --profile DIR` (one per thread: the provider's main thread
// and its SQLite checkpoint thread), each in turn; with LAST_SECONDS, only the end of each profile
// (the load, after the set-up).
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const files = args.filter((arg) => arg.endsWith('.cpuprofile'));
const [count = '25', last] = args.filter((arg) => !arg.endsWith('.cpuprofile'));
for (const file of files) {
  if (files.length > 1) console.log(`\n== ${file}`);
  summarise(file);
}

function summarise(file) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const interval = new Map();
  const times = [];
  for (let i = 0, t = profile.startTime; i < profile.samples.length; i += 1) times.push((t += profile.timeDeltas[i] ?? 0));
  const from = last ? profile.endTime - Number(last) * 1e6 : -Infinity;
  for (let i = 0; i < profile.samples.length; i += 1) {
    if (times[i] < from) continue;
    const id = profile.samples[i];
    interval.set(id, (interval.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const total = [...interval.values()].reduce((a, b) => a + b, 0);
  const where = (n) => {
    const url = n.callFrame.url;
    const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url)?.[1];
    return pkg ?? (url.startsWith('node:') ? 'node:' + url.slice(5).split('/')[0] : url ? 'app' : n.callFrame.functionName || '(vm)');
  };
  const selfBy = (key) => {
    const sums = new Map();
    for (const [id, us] of interval) {
      const n = byId.get(id);
      const k = key(n);
      sums.set(k, (sums.get(k) ?? 0) + us);
    }
    return [...sums].sort((a, b) => b[1] - a[1]).slice(0, Number(count));
  };
  const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
  console.log(`total ${(total / 1e6).toFixed(1)} s sampled`);
  console.log('\nself time by package:');
  for (const [k, us] of selfBy(where)) console.log(`${pct(us)}  ${k}`);
  console.log('\nself time by function:');
  for (const [k, us] of selfBy((n) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*node_modules\//, '')}:${n.callFrame.lineNumber + 1}`)) console.log(`${pct(us)}  ${k}`);

  // Inclusive time by function (a function's own time and everything it called; recursion counted once).
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (n) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(dist|bd)\//, '')}:${n.callFrame.lineNumber + 1}`;
  const inclusive = new Map();
  for (const [id, us] of interval) {
    const seen = new Set();
    for (let n = byId.get(id); n; n = byId.get(parent.get(n.id))) {
      const k = label(n);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + us);
    }
  }
  console.log('\ninclusive time by function:');
  for (const [k, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, Number(count) * 2)) console.log(`${pct(us)}  ${k}`);
}
