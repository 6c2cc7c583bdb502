// The provider as the demo scripts run it (scripts/demo.mjs, scripts/demo-mcp.mjs): built if needed,
// started on its own SQLite database with its log in a file, the demo user, and one way to stop it
// with the script, on Ctrl-C or when something fails.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEMO_USER = { username: 'demo', password: 'demo-password', name: 'Dana Demo', email: 'demo@example.com' };

/**
 * Starts the provider at http://localhost:<port> and resolves once /health answers; when it cannot,
 * the process exits with code 1 after saying why. `name` prefixes every message (the npm script's
 * name), `companion` says what the script runs beside the provider (for the Ctrl-C message), `port`
 * is the one DEMO_PORT sets, `database` and `log` are paths under ./data, and `env` adds to the
 * provider's environment.
 */
export async function startDemoProvider({ name, companion, port, database, log, env = {} }) {
  // Paths here, in the provider's config and in the CLI are relative to the repository.
  process.chdir(join(dirname(fileURLToPath(import.meta.url)), '..'));
  const issuer = `http://localhost:${port}`;
  const providerEnv = {
    ...process.env,
    NODE_ENV: 'development',
    PORT: String(port),
    HOST: '127.0.0.1',
    ISSUER: issuer,
    DATABASE_URL: `sqlite:./${database}`,
    ...env,
  };

  let provider;

  /** Ends the script at once; a provider already started is told to stop, not left running alone. */
  function fail(message) {
    console.error(`${name}: ${message}`);
    provider?.kill('SIGTERM');
    process.exit(1);
  }

  /** Runs the administration CLI with --json; returns { ok, json, error }. */
  function cli(...args) {
    const run = spawnSync(process.execPath, ['dist/cli.js', ...args, '--json'], { env: providerEnv, encoding: 'utf8' });
    if (run.status === 0) return { ok: true, json: JSON.parse(run.stdout) };
    return { ok: false, error: (run.stderr || run.stdout).trim() };
  }

  /** Creates the demo user unless a previous run did; returns 'created' or 'already there'. */
  function ensureDemoUser() {
    const created = cli(
      'user:create',
      '--username', DEMO_USER.username,
      '--password', DEMO_USER.password,
      '--name', DEMO_USER.name,
      '--email', DEMO_USER.email,
    );
    if (!created.ok && !/already taken/.test(created.error)) fail(`could not create the demo user: ${created.error}`);
    return created.ok ? 'created' : 'already there';
  }

  // 1. Build once.
  if (!existsSync('dist/main.js') || !existsSync('dist/cli.js')) {
    console.log(`${name}: building the provider (npx nest build)...`);
    const build = spawnSync('npx', ['nest', 'build'], { stdio: 'inherit' });
    if (build.status !== 0) fail('the build failed');
  }
  mkdirSync('data', { recursive: true });

  // 2. The provider, its log in a file.
  const logFd = openSync(log, 'w');
  provider = spawn(process.execPath, ['dist/main.js'], { env: providerEnv, stdio: ['ignore', logFd, logFd] });
  const cleanups = [];
  let stopping;

  /**
   * Stops what onStop registered, then the provider, then exits. Every call shares the first one's
   * promise, which never resolves: awaiting it ends the script.
   */
  function stop(code = 0) {
    stopping ??= (async () => {
      for (const cleanup of cleanups) await cleanup();
      if (provider.exitCode === null) {
        provider.kill('SIGTERM');
        await new Promise((resolve) => {
          const timer = setTimeout(() => {
            provider.kill('SIGKILL');
            resolve();
          }, 5000);
          provider.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      process.exit(code);
    })();
    return stopping;
  }
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      console.log(`\n${name}: stopping ${companion} and the provider...`);
      void stop(0);
    });
  }
  provider.on('exit', (code, signal) => {
    if (stopping) return;
    // Ctrl-C in a terminal reaches the provider too, and it may be done before this script.
    if (code === 0 || signal === 'SIGINT' || signal === 'SIGTERM') return void stop(0);
    const tail = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').slice(-3).join('\n') : '';
    console.error(`${name}: the provider stopped (${signal ?? `exit code ${code}`}). Last lines of ${log}:\n${tail}`);
    if (/EADDRINUSE/.test(tail)) console.error(`${name}: port ${port} is taken; set DEMO_PORT to another port.`);
    void stop(1);
  });

  console.log(`${name}: starting the provider at ${issuer} (log: ${log})...`);
  if (!(await waitForHealth(provider, port))) {
    if (!stopping) console.error(`${name}: the provider did not become healthy within a minute`);
    await stop(1);
  }

  return {
    issuer,
    cli,
    fail,
    ensureDemoUser,
    /** Runs `cleanup` (closing what the script started beside the provider) before the provider stops. */
    onStop: (cleanup) => void cleanups.push(cleanup),
    stop,
  };
}

async function waitForHealth(provider, port) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (provider.exitCode !== null) return false;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      if (res.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}
