import fastifyHelmet, { FastifyHelmetOptions } from '@fastify/helmet';
import Fastify, { FastifyInstance } from 'fastify';

/**
 * The response headers @fastify/helmet sets with these options, worked out once. The plugin builds
 * its middleware anew for every request, parsing the whole Content-Security-Policy each time (a
 * tenth of the CPU of a JWKS or token request), although the headers depend on the options alone.
 * One request to a throwaway server with the plugin, less what the same server sends without it,
 * gives exactly its headers.
 */
export async function securityHeaders(options: FastifyHelmetOptions): Promise<Record<string, string>> {
  const probe = async (withHelmet: boolean) => {
    const server = Fastify();
    if (withHelmet) await server.register(fastifyHelmet, options);
    server.get('/', (_request, reply) => reply.send(''));
    try {
      return (await server.inject('/')).headers;
    } finally {
      await server.close();
    }
  };
  const [plain, helmeted] = await Promise.all([probe(false), probe(true)]);
  return Object.fromEntries(
    Object.entries(helmeted)
      .filter(([name]) => !(name in plain))
      .map(([name, value]) => [name, String(value)]),
  );
}

/**
 * Sets the headers on every response, from the first hook on, on the raw response as helmet does,
 * so that an answer written to the raw response, bypassing Fastify's reply, carries them too.
 */
export function addSecurityHeaders(server: FastifyInstance, headers: Record<string, string>): void {
  const entries = Object.entries(headers);
  server.addHook('onRequest', (_request, reply, done) => {
    for (const [name, value] of entries) reply.raw.setHeader(name, value);
    done();
  });
}
