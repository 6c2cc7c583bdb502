import cluster, { Worker } from 'node:cluster';
import { existsSync } from 'node:fs';
import { validateEnvironment } from './config/environment';
import { clusterScrapes, listenForScrapes } from './metrics/metrics-listener';

/** The most workers that may die after start-up within RESTART_WINDOW_MS before the whole cluster stops. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;
/** How long workers get to finish their requests and close at shutdown before they are killed. */
const SHUTDOWN_GRACE_MS = 30_000;

/**
 * WORKERS=N with N > 1: this process becomes the primary of a node:cluster and forks N workers
 * that share the port; it serves nothing itself and returns true, and main.ts then starts no
 * app. In a worker, or with WORKERS=1, it returns false and main.ts starts the app as usual.
 *
 * The first worker starts alone (it runs the migrations, and makes the signing keys and the
 * development session secret if missing); the others once it listens. A worker that fails to
 * start stops the whole cluster with its exit code, as a single process would. One that dies
 * later is replaced, unless they keep dying. SIGTERM or SIGINT asks every worker to shut down
 * as a single process does (in-flight requests finish), then the primary exits.
 */
export function startCluster(): boolean {
  if (cluster.isWorker) {
    // The primary's shutdown request; a worker already shutting down (Nest removes its signal
    // listeners once a signal arrives, as when a terminal's Ctrl-C reached the whole group) ignores it.
    process.on('message', (message) => {
      if (message === 'shutdown' && process.listenerCount('SIGTERM') > 0) process.kill(process.pid, 'SIGTERM');
    });
    return false;
  }
  // .env as @nestjs/config reads it (the environment wins); a bad setting stops start-up here,
  // once, with its one-line message (ConfigurationError).
  if (existsSync('.env')) process.loadEnvFile('.env');
  const { WORKERS: workers, METRICS_PORT: metricsPort, HOST: host } = validateEnvironment(process.env);
  if (workers <= 1) return false;

  let started = false;
  let stopping = false;
  const restarts: number[] = [];
  const log = (line: string) => console.error(`cluster: ${line}`);

  /**
   * Serving workers are asked over IPC (see above); while starting, they have no shutdown hook
   * yet and are sent SIGTERM, which ends them at once.
   */
  const stopAll = (exitCode: number) => {
    if (stopping) return;
    stopping = true;
    const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
    if (alive.length === 0) process.exit(exitCode);
    const kill = setTimeout(() => alive.forEach((w) => w.process.kill('SIGKILL')), SHUTDOWN_GRACE_MS).unref();
    let left = alive.length;
    for (const worker of alive) {
      worker.once('exit', () => {
        if (--left === 0) {
          clearTimeout(kill);
          process.exit(exitCode);
        }
      });
      if (started) worker.send('shutdown');
      else worker.process.kill('SIGTERM');
    }
  };

  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    if (!started) {
      // It said why on its own stderr: stop the others and fail as a single process would.
      stopAll(code || 1);
      return;
    }
    const now = Date.now();
    restarts.push(now);
    while (restarts.length && restarts[0] < now - RESTART_WINDOW_MS) restarts.shift();
    if (restarts.length > MAX_RESTARTS) {
      log(`workers keep dying (${restarts.length} in ${RESTART_WINDOW_MS / 1000} s); stopping`);
      stopAll(1);
      return;
    }
    log(`worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
    cluster.fork();
  });

  cluster.once('listening', () => {
    for (let i = 1; i < workers; i += 1) cluster.fork();
    let listening = 1;
    const ready = () => {
      if (++listening < workers) return;
      cluster.off('listening', ready);
      started = true;
    };
    cluster.on('listening', ready);
  });
  cluster.fork();
  // The workers' metrics, summed, on the metrics port: the workers open none (metrics/metrics-listener.ts).
  if (metricsPort !== undefined) {
    listenForScrapes(clusterScrapes(), metricsPort, host).catch((error: Error) => {
      log(`metrics listener: ${error.message}`);
      stopAll(1);
    });
  }

  process.once('SIGTERM', () => stopAll(0));
  process.once('SIGINT', () => stopAll(0));
  return true;
}
