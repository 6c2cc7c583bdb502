import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { redactUrl } from './log-redaction';

/**
 * One line per answered request, written when the response has been sent: its id, method,
 * redacted URL and client address, the status, a redirect's redacted Location, and the time
 * taken. Named fields only: headers (Authorization, Cookie, Set-Cookie) and bodies are never
 * read, so nothing secret can reach the line. Written by the root logger directly, without a
 * child logger per request; server errors are logged at the error level.
 */
export function logRequests(server: FastifyInstance, logger: Logger): void {
  server.addHook('onResponse', (request, reply, done) => {
    const statusCode = reply.statusCode;
    const location = reply.getHeader('location');
    logger[statusCode >= 500 ? 'error' : 'info'](
      {
        reqId: request.id,
        req: { method: request.method, url: redactUrl(request.url), ip: request.ip },
        res: { statusCode, ...(typeof location === 'string' && { location: redactUrl(location) }) },
        responseTime: Math.round(reply.elapsedTime),
      },
      'request completed',
    );
    done();
  });
}
