// Child processes of the bench (the provider, oidc-provider, the ceiling server), their memory,
// and waiting for them: every wait bounded in time.
import { fork, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { request } from './http.mjs';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Polls `path` until it answers 200, for at most `timeoutMs`; fails early if the child dies. */
export async function waitForHttp(child, port, path, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${child.label} exited (${child.exitCode ?? child.signalCode}) before answering`);
    try {
      const res = await request(port, 'GET', path, { timeoutMs: 2000 });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`${child.label} did not answer ${path} within ${timeoutMs / 1000} s`);
}

/**
 * Starts a Node script as a child. Its output goes to `logFile` (the kernel writes it, so a provider
 * logging every request costs the load generator nothing); the tail is shown if it fails, and
 * BENCH_VERBOSE=1 lets the output through to our stderr instead. stdout stays the table's.
 */
export function startNode(label, script, { env, args = [], nodeArgs = [], ipc = false, logFile }) {
  const out = process.env.BENCH_VERBOSE ? 2 : openSync(logFile, 'a');
  const stdio = ['ignore', out, out, ...(ipc ? ['ipc'] : [])];
  const child = ipc
    ? fork(script, args, { env, execArgv: nodeArgs, stdio })
    : spawn(process.execPath, [...nodeArgs, script, ...args], { env, stdio });
  if (out !== 2) closeSync(out);
  child.label = label;
  child.logFile = logFile;
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  return child;
}

/** The last lines the child printed, for an error message. */
export function lastOutput(child, count = 30) {
  if (!child?.logFile) return '';
  try {
    const lines = readFileSync(child.logFile, 'utf8').split('\n').filter((l) => l.trim());
    return lines.slice(-count).map((line) => `  [${child.label}] ${line.slice(0, 500)}`).join('\n');
  } catch {
    return '';
  }
}

/** Waits for an IPC message of `type` from the child, for at most `timeoutMs`. */
export function message(child, type, timeoutMs = 60000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`${child.label}: no ${type} message within ${timeoutMs / 1000} s`)), timeoutMs);
    const onMessage = (m) => {
      if (m?.type === type) done(null, m);
      else if (m?.type === 'error') done(new Error(`${child.label}: ${m.message}`));
    };
    const onExit = () => done(new Error(`${child.label} exited while we waited for ${type}`));
    function done(error, value) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      error ? reject(error) : resolve(value);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** `signal` (SIGTERM), then SIGKILL after `graceMs`; resolves once the child is gone. Only ever our own child's pid. */
export async function stop(child, graceMs = 10000, signal = 'SIGTERM') {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  // Unref'd waits: a child that is gone must not keep the bench alive for the rest of the grace.
  const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref());
  const exited = await Promise.race([child.exited.then(() => true), wait(graceMs).then(() => false)]);
  if (!exited) {
    child.kill('SIGKILL');
    await Promise.race([child.exited, wait(5000)]);
  }
}

/** Every process on this machine as [pid, the text of its /proc/<pid>/`file`]; one that ends while we look is left out. */
function eachProcess(file) {
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      found.push([Number(entry), readFileSync(`/proc/${entry}/${file}`, 'utf8')]);
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/** The pid and every descendant (cluster workers), from /proc. */
export function processTree(pid) {
  const children = new Map();
  for (const [child, stat] of eachProcess('stat')) {
    // Field 4 of /proc/<pid>/stat is the parent pid; the command name (field 2) may hold spaces, so split after ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(child);
  }
  const tree = [];
  const queue = [pid];
  while (queue.length && tree.length < 256) {
    const next = queue.shift();
    tree.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return tree;
}

/**
 * The MySQL or MariaDB server (or, by `names`, another: redis-server) on this machine that listens on
 * TCP `port`: by the inode of the listening socket (/proc/net/tcp, tcp6) among each such process's
 * open files. By port, not by name alone: other servers may run beside it (a Galera cluster's nodes).
 * Empty if it runs elsewhere, or if its open files may not be read (run as root or as the server's user).
 */
export function databaseServerPids(port, names = ['mariadbd', 'mysqld']) {
  const sockets = new Set();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of safeRead(table).split('\n').slice(1)) {
      // local_address (hex ip:port), rem_address, st (0A: LISTEN), ..., inode (the 10th field).
      const fields = line.trim().split(/\s+/);
      if (fields[3] === '0A' && parseInt(fields[1].split(':')[1], 16) === port) sockets.add(`socket:[${fields[9]}]`);
    }
  }
  const listens = (pid) => {
    try {
      return readdirSync(`/proc/${pid}/fd`).some((fd) => sockets.has(readlinkSync(`/proc/${pid}/fd/${fd}`)));
    } catch {
      return false;
    }
  };
  return eachProcess('comm')
    .filter(([pid, name]) => names.includes(name.trim()) && sockets.size > 0 && listens(pid))
    .map(([pid]) => pid);
}

/** A file's text, or '' if it cannot be read (/proc entries come and go). */
export function safeRead(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** CPU time (user + system, all threads) of a process tree, in seconds; processes gone meanwhile count 0. */
function cpuSeconds(pids) {
  let ticks = 0;
  for (const p of pids) {
    try {
      // Fields 14 and 15 of /proc/<pid>/stat: utime and stime, in clock ticks (USER_HZ, 100 on Linux).
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process ended
    }
  }
  return ticks / 100;
}

/**
 * The CPU time a process tree (`pids`, from processTree()) spends over a measurement, in seconds. Unlike requests per second, it
 * hardly depends on what else the machine runs meanwhile (the load generator shares its cores), so
 * CPU time per request compares two servers' cost even when their rates are noisy.
 */
export function cpuWatch(pids) {
  const start = cpuSeconds(pids);
  return { stop: () => cpuSeconds(pids) - start };
}

function statusKb(pid, field) {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * Peak resident memory of a process tree (`pids`) over a measurement: the kernel's high-water mark (VmHWM,
 * reset at the start through clear_refs where the kernel allows it) and, as a floor, the sum of
 * VmRSS sampled every 100 ms. In bytes.
 */
export function memoryWatch(pids) {
  let hwmReset = true;
  for (const p of pids) {
    try {
      writeFileSync(`/proc/${p}/clear_refs`, '5');
    } catch {
      hwmReset = false;
    }
  }
  let sampled = 0;
  const sample = () => {
    sampled = Math.max(sampled, pids.reduce((sum, p) => sum + statusKb(p, 'VmRSS'), 0));
  };
  sample();
  const timer = setInterval(sample, 100);
  return {
    stop() {
      clearInterval(timer);
      sample();
      const hwm = hwmReset ? pids.reduce((sum, p) => sum + statusKb(p, 'VmHWM'), 0) : 0;
      return Math.max(sampled, hwm) * 1024;
    },
  };
}
