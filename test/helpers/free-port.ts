import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A port nobody listens on right now, so that ISSUER or a redirect URI can name it before its server starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
