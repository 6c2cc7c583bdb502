import type { ConnectionError, FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Requests refused before they reach a route, and so before Nest's exception filter:
 * unparseable HTTP, a URL that is not valid percent-encoding, a path parameter or a request
 * line too long. They get the same RFC 6749 §5.2 shape as every other error, with
 * `Cache-Control: no-store`, instead of Fastify's own `{statusCode, code, message}` that
 * echoes the URL back.
 */
function body(description: string): string {
  return JSON.stringify({ error: 'invalid_request', error_description: description });
}

/** Fastify's `frameworkErrors`: routing failures (FST_ERR_BAD_URL, FST_ERR_MAX_PARAM_LENGTH). */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  reply
    .code(tooLong ? 414 : 400)
    .header('Cache-Control', 'no-store')
    .type('application/json; charset=utf-8')
    .send(body(tooLong ? 'the request URI is too long' : 'the request URI is not valid'));
}

/** The size of the request line beyond which an overflow is blamed on the URI rather than the headers. */
const LONG_REQUEST_LINE = 8 * 1024;

/**
 * Fastify's `clientErrorHandler`: Node's HTTP parser refused the request. Node reports a
 * request line over its 16 KB limit as a header overflow (431); when the chunk that overflowed
 * is a request line that never ended, the URI is what was too long: 414 (RFC 9110 §15.5.15).
 */
export function clientErrorHandler(error: ConnectionError, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  let status = 400;
  let description = 'the request is not valid HTTP';
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    status = 408;
    description = 'the request took too long to arrive';
  } else if (error.code === 'HPE_HEADER_OVERFLOW') {
    // Node hands over the chunk that overflowed as a Buffer (Fastify's type says otherwise).
    const packet: unknown = error.rawPacket;
    const start = Buffer.isBuffer(packet) ? packet.toString('latin1', 0, LONG_REQUEST_LINE + 2) : '';
    const requestLineTooLong = /^[A-Z]+ /.test(start) && !start.includes('\r\n');
    status = requestLineTooLong ? 414 : 431;
    description = requestLineTooLong ? 'the request URI is too long' : 'the request headers are too large';
  }
  const content = body(description);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        'Cache-Control: no-store\r\n' +
        'Connection: close\r\n' +
        `Content-Length: ${Buffer.byteLength(content)}\r\n\r\n${content}`,
    );
  }
  socket.destroy(error);
}
