import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

// Kills and restarts nodes of the scripts/galera.sh cluster this process's GALERA_* variables name, for failover specs.

const SCRIPT = join(__dirname, '..', '..', 'scripts', 'galera.sh');

async function galera(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)('bash', [SCRIPT, ...args], { env: process.env, timeout: 120_000 });
  return stdout;
}

/** The number of the node HAProxy sends every connection to, as `status` says (`writer=nodeN`). */
export async function writerNode(): Promise<number> {
  const status = await galera('status');
  const writer = /writer=node(\d)/.exec(status);
  if (!writer) throw new Error(`no writer in scripts/galera.sh status:\n${status}`);
  return Number(writer[1]);
}

/** How many nodes are Synced in a cluster of three: the cluster is whole before a spec kills one. */
export async function syncedNodes(): Promise<number> {
  return (await galera('status')).match(/state=Synced cluster_size=3 /g)?.length ?? 0;
}

/** SIGKILL, as a crash: no clean leave from the cluster. */
export const killNode = (n: number) => galera('kill', String(n));

/** Starts a killed node again; settles once it is Synced and HAProxy sees it up. */
export const restartNode = (n: number) => galera('restart', String(n));
