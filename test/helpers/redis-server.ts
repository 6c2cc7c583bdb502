import { ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { until } from './until';

/** The Redis every instance of a test shares; .ci/run starts it when it is not running. */
export const SHARED_REDIS_URL = 'redis://127.0.0.1:6379';

/** Whether a Redis answers PING on `port`. */
export function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.setTimeout(1000, () => socket.destroy());
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) socket.end();
    });
    socket.on('error', () => resolve(false));
    socket.on('close', () => resolve(reply.startsWith('+PONG')));
  });
}

/** Fails clearly, rather than skipping, when the shared Redis is not running. */
export async function requireSharedRedis(): Promise<void> {
  if (!(await answersPing(6379))) {
    throw new Error(
      'Redis is not running on 127.0.0.1:6379: install the redis-server package and run ' +
        '`redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no` (.ci/run does)',
    );
  }
}

/**
 * A Redis of this test's own on `port`, without persistence, so that the test may stop and
 * restart it; resolves once it answers PING. Fails clearly when redis-server is not installed.
 */
export async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const failed = new Promise<never>((_, reject) =>
    child.once('error', (error) =>
      reject(new Error(`redis-server could not be started (install the redis-server package): ${error.message}`)),
    ),
  );
  await Promise.race([failed, until(() => answersPing(port), `redis-server answers on port ${port}`)]);
  return child;
}

/** Stops a Redis started by startRedis(), and waits until it is gone. */
export async function stopRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}
