import { connect, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestApp, TestApp } from './helpers/create-test-app';
import { freePort } from './helpers/free-port';
import { until } from './helpers/until';

/** A raw TCP connection to the app, and everything it receives until the server closes it. */
async function open(port: number): Promise<{ socket: Socket; closed: Promise<{ data: string; afterMs: number }> }> {
  const socket = connect(port, '127.0.0.1');
  const start = Date.now();
  let data = '';
  socket.setEncoding('latin1').on('data', (chunk: string) => (data += chunk));
  const closed = new Promise<{ data: string; afterMs: number }>((resolve) => {
    socket.on('error', () => undefined).on('close', () => resolve({ data, afterMs: Date.now() - start }));
  });
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return { socket, closed };
}

/** Whichever comes first: the promise's value, or 'still open' after `ms`. */
const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, sleep(ms, 'still open' as const, { ref: false })]);

async function listening(env: Record<string, string>): Promise<{ t: TestApp; port: number }> {
  const t = await createTestApp(env);
  const port = await freePort();
  await t.app.listen(port, '127.0.0.1');
  return { t, port };
}

describe('slow clients', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    ({ t, port } = await listening({
      HTTP_REQUEST_TIMEOUT: '2',
      HTTP_HEADERS_TIMEOUT: '1',
      HTTP_KEEP_ALIVE_TIMEOUT: '1',
    }));
  });
  afterAll(() => t.close());

  it('cuts off a body trickled a byte at a time with 408 once HTTP_REQUEST_TIMEOUT has passed', async () => {
    const { socket, closed } = await open(port);
    socket.write(
      'POST /oauth/token HTTP/1.1\r\nHost: localhost\r\n' +
        'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n',
    );
    const trickle = setInterval(() => socket.writable && socket.write('a'), 500);
    try {
      const result = await within(closed, 6000);
      expect(result).not.toBe('still open');
      const { data, afterMs } = result as { data: string; afterMs: number };
      expect(data).toMatch(/^HTTP\/1\.1 408 /);
      expect(afterMs).toBeGreaterThanOrEqual(1900);
    } finally {
      clearInterval(trickle);
      socket.destroy();
    }
  });

  it('closes a connection that never finishes its headers once HTTP_HEADERS_TIMEOUT has passed', async () => {
    const { socket, closed } = await open(port);
    socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\n');
    try {
      expect(await within(closed, 4000)).not.toBe('still open');
    } finally {
      socket.destroy();
    }
  });

  it('closes a kept-alive connection left idle for HTTP_KEEP_ALIVE_TIMEOUT', async () => {
    const { socket, closed } = await open(port);
    socket.write('GET /.well-known/oauth-authorization-server HTTP/1.1\r\nHost: localhost\r\n\r\n');
    try {
      const result = await within(closed, 4000);
      expect(result).not.toBe('still open');
      expect((result as { data: string }).data).toMatch(/^HTTP\/1\.1 200 /);
    } finally {
      socket.destroy();
    }
  });

  it('still answers a request sent at a normal pace', async () => {
    await t.http().get('/health').expect(200);
    const { socket, closed } = await open(port);
    socket.write(
      'GET /.well-known/oauth-authorization-server HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
    );
    expect((await closed).data).toMatch(/^HTTP\/1\.1 200 /);
  });
});

describe('HTTP_MAX_CONNECTIONS', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    ({ t, port } = await listening({ HTTP_MAX_CONNECTIONS: '2' }));
  });
  afterAll(() => t.close());

  const connections = () =>
    new Promise<number>((resolve, reject) =>
      t.app.getHttpServer().getConnections((error, count) => (error ? reject(error) : resolve(count))),
    );

  it('closes connections beyond the cap as they arrive, and takes new ones once others have gone', async () => {
    const held = [await open(port), await open(port)];
    await until(async () => (await connections()) === 2, 'the server has accepted both');
    const extra = await open(port);
    try {
      const result = await within(extra.closed, 2000);
      expect(result).not.toBe('still open');
      expect((result as { data: string }).data).toBe('');
    } finally {
      held.forEach(({ socket }) => socket.destroy());
      extra.socket.destroy();
    }
    await until(async () => (await connections()) === 0, 'the server has seen them go');
    const { socket, closed } = await open(port);
    socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    expect((await closed).data).toMatch(/^HTTP\/1\.1 200 /);
  });
});
