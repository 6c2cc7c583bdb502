import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './helpers/free-port';
import { untilHealthy } from './helpers/until-healthy';

// The built server (`npm test` builds first), started as an operator would, with the
// environment it is given and nothing else: no .env of the checkout, no inherited settings.
const MAIN = join(__dirname, '..', 'dist', 'main.js');
const SECRET = 'configuration-test-secret-0123456789abcdef';

describe('start-up configuration', () => {
  let workDir: string;

  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), 'provider-config-'));
  });
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  /** The environment of a start: a good one, with `overrides` applied; an undefined override removes the variable. */
  function environment(overrides: Record<string, string | undefined>): NodeJS.ProcessEnv {
    const env: Record<string, string | undefined> = {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      SESSION_SECRET: SECRET,
      DATABASE_URL: `sqlite:${join(workDir, 'provider.sqlite')}`,
      ...overrides,
    };
    return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined));
  }

  describe('a bad value stops start-up with one line on stderr naming the variable', () => {
    it.each([
      ['PORT that is not a number', { PORT: 'abc' }, /^PORT: must be a whole number from 1 to 65535$/],
      ['PORT above 65535', { PORT: '70000' }, /^PORT: must be a whole number from 1 to 65535$/],
      [
        'AUTH_CODE_TTL of 0',
        { AUTH_CODE_TTL: '0' },
        /^AUTH_CODE_TTL: must be a whole number of seconds from 1 to 600$/,
      ],
      ['ISSUER with a trailing slash', { ISSUER: 'http://x/' }, /^ISSUER: .*trailing slash/],
      ['ISSUER that no URL parser accepts', { ISSUER: 'http://x:abc' }, /^ISSUER: is not a valid URL$/],
      [
        'DATABASE_URL of an unsupported database',
        { DATABASE_URL: 'postgres://x' },
        /^DATABASE_URL: must be sqlite:<path> or mysql:/,
      ],
      [
        'NODE_ENV=production without SESSION_SECRET',
        { NODE_ENV: 'production', SESSION_SECRET: undefined },
        /^SESSION_SECRET: is required when NODE_ENV=production$/,
      ],
      [
        'SESSION_SECRET shorter than 32 characters',
        { SESSION_SECRET: 'too-short' },
        /^SESSION_SECRET: must be at least 32 characters$/,
      ],
      [
        'DYNAMIC_REGISTRATION that is none of off, open, token',
        { DYNAMIC_REGISTRATION: 'on' },
        /^DYNAMIC_REGISTRATION: must be off, open or token$/,
      ],
      ['two bad values, both on the one line', { PORT: 'abc', AUTH_CODE_TTL: '0' }, /^PORT: .*; AUTH_CODE_TTL: /],
    ])('%s', async (_, overrides, message) => {
      // A start-up that hangs instead of exiting is killed after 15 s, and `killed` says so.
      const result = await new Promise<{
        error: (Error & { code?: unknown; killed?: boolean }) | null;
        stderr: string;
      }>((resolve) =>
        execFile(
          process.execPath,
          [MAIN],
          { cwd: workDir, env: environment(overrides), timeout: 15_000 },
          (error, _stdout, stderr) => resolve({ error, stderr }),
        ),
      );
      expect(result.error?.killed).toBe(false);
      expect(result.error?.code).toBe(1);
      // Exactly one line: no stack trace, no second copy of the message from Nest's logger.
      const lines = result.stderr.split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[1]).toBe('');
      expect(lines[0]).toMatch(message);
    });
  });

  describe('a good start', () => {
    let child: ChildProcess;
    let port: number;

    beforeAll(async () => {
      port = await freePort();
      child = spawn(process.execPath, [MAIN], {
        cwd: workDir,
        env: environment({ PORT: String(port) }),
        stdio: 'ignore',
      });
      await untilHealthy(child, port);
    });

    afterAll(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });

    it('answers GET /health with 200', async () => {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      expect(res.status).toBe(200);
    });

    it('publishes metadata whose issuer defaults to http://localhost:<PORT>', async () => {
      const res = await fetch(`http://127.0.0.1:${port}/.well-known/oauth-authorization-server`);
      expect(res.status).toBe(200);
      const metadata = (await res.json()) as Record<string, unknown>;
      expect(metadata.issuer).toBe(`http://localhost:${port}`);
      expect(metadata.token_endpoint).toBe(`http://localhost:${port}/oauth/token`);
    });

    it('exits on SIGTERM', async () => {
      const started = Date.now();
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
      expect(Date.now() - started).toBeLessThan(5000);
      expect(child.exitCode !== null || child.signalCode !== null).toBe(true);
    });
  });
});
