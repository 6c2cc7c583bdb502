import { createConnection, createServer, Server, Socket } from 'node:net';

/** MySQL's COM_QUIT packet (length 1, sequence 0, command 0x01): a client closing its connection properly. */
const COM_QUIT = Buffer.from([1, 0, 0, 0, 1]);

/**
 * A TCP proxy between the provider and its MySQL server, to take the
 * database away and bring it back while the provider runs:
 * - `cut()`: the server is gone, every open connection breaks and new ones are refused;
 * - `blackhole()`: a network that swallows packets, connections open and nothing ever answers;
 * - `restore()`: the database is back.
 */
export class TcpProxy {
  /** Connections carried to the server, and how many of them the client ended with COM_QUIT. */
  connections = 0;
  quits = 0;
  private readonly sockets = new Set<Socket>();
  private mode: 'open' | 'blackhole' = 'open';
  private listening = false;
  private readonly server: Server;

  private constructor(
    private readonly target: { host: string; port: number },
    public port = 0,
  ) {
    this.server = createServer((socket) => this.accept(socket));
  }

  /** Sockets still open, on either side. */
  get open(): number {
    return this.sockets.size;
  }

  /** A proxy in front of the MySQL server that `databaseUrl` (`mysql://user@host:port/db`) names. */
  static async start(databaseUrl: string): Promise<TcpProxy> {
    const { hostname, port } = new URL(databaseUrl);
    const proxy = new TcpProxy({ host: hostname, port: Number(port || 3306) });
    await proxy.listen();
    return proxy;
  }

  /** `mysql://user@host:port/db` pointed at this proxy instead of the server. */
  url(databaseUrl: string): string {
    const url = new URL(databaseUrl);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }

  async cut(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.listening = false;
    this.dropConnections();
    await closed;
  }

  async blackhole(): Promise<void> {
    this.mode = 'blackhole';
    this.dropConnections();
    if (!this.listening) await this.listen();
  }

  async restore(): Promise<void> {
    // Connections the blackhole held never reached the server: they go. Carried ones stay.
    if (this.mode === 'blackhole') this.dropConnections();
    this.mode = 'open';
    if (!this.listening) await this.listen();
  }

  async close(): Promise<void> {
    if (this.listening) await this.cut();
    this.dropConnections();
  }

  private listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => {
        this.server.off('error', reject);
        this.port = (this.server.address() as { port: number }).port;
        this.listening = true;
        resolve();
      });
    });
  }

  private accept(client: Socket): void {
    this.track(client);
    if (this.mode === 'blackhole') return;
    const upstream = createConnection(this.target);
    this.track(upstream);
    this.connections++;
    let tail = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => (tail = Buffer.concat([tail, chunk]).subarray(-COM_QUIT.length)));
    client.on('close', () => {
      if (tail.equals(COM_QUIT)) this.quits++;
      upstream.destroy();
    });
    upstream.on('close', () => client.destroy());
    client.pipe(upstream).pipe(client);
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
  }

  private dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }
}
