import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { freePort } from './free-port';
import { untilHealthy } from './until-healthy';

// The built server (`npm test` builds first), run as an operator would.
const MAIN = join(__dirname, '..', '..', 'dist', 'main.js');

/** The provider in a process of its own: nothing in memory is shared with the test or another instance. */
export interface SpawnedInstance {
  /** Where it listens: http://127.0.0.1:PORT. */
  url: string;
  http: () => TestAgent;
  browser: () => TestAgent;
  /** Each JSON line the server logged so far. */
  logged: () => { level: number; msg: string }[];
  close(): Promise<void>;
}

/**
 * Starts the built server in `cwd` with `env` (on top of a test baseline) and waits until it is
 * healthy. It listens on `env.PORT` when given (so that an ISSUER can name it), else on a free port.
 */
export async function spawnInstance(cwd: string, env: Record<string, string>): Promise<SpawnedInstance> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  let stdout = '';
  let stderr = '';
  const child: ChildProcess = spawn(process.execPath, [MAIN], {
    cwd,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      SESSION_SECRET: 'spawned-instance-secret-0123456789abcdef',
      // The tests name client addresses in X-Forwarded-For, as a proxy on this host would.
      TRUST_PROXY: 'loopback',
      ...env,
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    await untilHealthy(child, port, () => stderr);
  } catch (error) {
    // Not left running behind a failed start.
    child.kill('SIGKILL');
    throw error;
  }
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    http: () => request(url),
    browser: () => request.agent(url),
    logged: () =>
      stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { level: number; msg: string }),
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
