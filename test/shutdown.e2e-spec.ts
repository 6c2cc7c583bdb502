import { ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './helpers/free-port';
import { basicAuth } from './helpers/oauth-client';
import { TcpProxy } from './helpers/tcp-proxy';
import { until } from './helpers/until';
import { untilHealthy } from './helpers/until-healthy';

// The built server and CLI (`npm test` builds first), run as an operator would.
const MAIN = join(__dirname, '..', 'dist', 'main.js');
const CLI = join(__dirname, '..', 'dist', 'cli.js');
const SECRET = 'shutdown-test-secret-0123456789abcdef';

/** Whether a new TCP connection to the port is accepted. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('shutdown on SIGTERM', () => {
  let workDir: string;
  let proxy: TcpProxy | undefined;
  let databaseUrl: string;
  let child: ChildProcess;
  let stderr = '';
  let port: number;
  let client: { client_id: string; client_secret: string };

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'provider-shutdown-'));
    const configured = process.env.DATABASE_URL ?? '';
    let serverDatabaseUrl: string;
    if (configured.startsWith('mysql://')) {
      // The server reaches MySQL through a proxy that sees how its connections end.
      proxy = await TcpProxy.start(configured);
      databaseUrl = configured;
      serverDatabaseUrl = proxy.url(configured);
    } else {
      databaseUrl = serverDatabaseUrl = `sqlite:${join(workDir, 'provider.sqlite')}`;
    }
    const env = { PATH: process.env.PATH, NODE_ENV: 'test', SESSION_SECRET: SECRET, DATABASE_URL: serverDatabaseUrl };

    port = await freePort();
    child = spawn(process.execPath, [MAIN], {
      cwd: workDir,
      env: { ...env, PORT: String(port) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await untilHealthy(child, port, () => stderr);

    const created = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        [CLI, 'client:create', '--name', 'Shutdown test', '--grant', 'client_credentials', '--json'],
        { cwd: workDir, env: { ...env, DATABASE_URL: databaseUrl }, timeout: 20_000 },
        (error, stdout) => (error ? reject(error) : resolve(stdout)),
      ),
    );
    client = JSON.parse(created);
  });

  afterAll(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await proxy?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('stops accepting, finishes the request in flight with the database, closes the database and exits 0', async () => {
    // A token request whose body is still on its way when SIGTERM arrives. `Expect: 100-continue`
    // makes the server say when it has the headers: from then on the request is in flight.
    const body = 'grant_type=client_credentials';
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.write(
      'POST /oauth/token HTTP/1.1\r\n' +
        `Host: 127.0.0.1:${port}\r\n` +
        `Authorization: ${basicAuth(client.client_id, client.client_secret)}\r\n` +
        'Content-Type: application/x-www-form-urlencoded\r\n' +
        `Content-Length: ${body.length}\r\n` +
        'Expect: 100-continue\r\n\r\n',
    );
    await until(() => received.startsWith('HTTP/1.1 100 Continue\r\n\r\n'), 'the server has the headers');

    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    child.kill('SIGTERM');
    await until(async () => !(await accepts(port)), 'new connections are refused');

    // The client lookup and the signing key need the database, still open for this request.
    socket.write(body);
    const response = () => received.slice(received.indexOf('\r\n\r\n') + 4);
    await until(() => /\r\n\r\n\{.*\}$/s.test(response()), 'the answer is complete');
    const [head, json] = response().split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 200 /);
    expect(JSON.parse(json)).toMatchObject({ access_token: expect.any(String), token_type: 'Bearer' });
    socket.end();

    expect(await exited).toEqual({ code: 0, signal: null });
    if (proxy) {
      // mysql2 ends each pooled connection with COM_QUIT when the pool is closed; a process that just exits does not.
      await until(() => proxy!.open === 0, 'the proxy has seen every connection close');
      expect(proxy.connections).toBeGreaterThan(0);
      expect(proxy.quits).toBe(proxy.connections);
    } else {
      // SQLite removes the write-ahead log when the last connection closes properly.
      expect(existsSync(join(workDir, 'provider.sqlite-wal'))).toBe(false);
    }
  });
});
