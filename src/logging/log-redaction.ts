import type { IncomingMessage, ServerResponse } from 'node:http';

const REDACTED = '[REDACTED]';

/**
 * Query parameters whose values may be logged: none of them is a credential. Every other
 * value is replaced, so that what is not named here (`code`, `state`, `code_challenge`,
 * `return_to` carrying a whole authorization request, `id_token_hint`, whatever a caller
 * invents) never reaches a log line.
 */
const LOGGABLE_PARAMS = new Set([
  'response_type',
  'client_id',
  'redirect_uri',
  'post_logout_redirect_uri',
  'scope',
  'code_challenge_method',
  'prompt',
  'max_age',
  'grant_type',
  'token_type_hint',
  'error',
  'error_description',
  'iss',
  'limit',
  'offset',
  'type',
  'user_id',
  'since',
  'until',
]);

/** A URL (a path with a query, or an absolute one) with the value of every parameter not known to be harmless replaced. */
export function redactUrl(url: string): string {
  const [withoutFragment] = url.split('#', 1);
  const q = withoutFragment.indexOf('?');
  if (q === -1) return withoutFragment;
  const query = [...new URLSearchParams(withoutFragment.slice(q + 1))]
    .map(
      ([name, value]) =>
        `${encodeURIComponent(name)}=${LOGGABLE_PARAMS.has(name) ? encodeURIComponent(value) : REDACTED}`,
    )
    .join('&');
  return `${withoutFragment.slice(0, q)}?${query}`;
}

/** The raw request as Fastify's middleware layer hands it on: `ip` honours trustProxy, `originalUrl` is the URL as received. */
type LoggedRequest = IncomingMessage & { ip?: string; originalUrl?: string };

/**
 * What a request line says about the request and the response: named fields only. Headers
 * are left out whole (Authorization, Cookie and Set-Cookie carry credentials), bodies are
 * never read, and URLs, including a redirect's Location (which carries `code`), are redacted.
 */
export const logSerializers = {
  req: (req: { raw: LoggedRequest }) => ({
    method: req.raw.method,
    url: redactUrl(req.raw.originalUrl ?? req.raw.url ?? ''),
    ip: req.raw.ip ?? req.raw.socket?.remoteAddress,
  }),
  res: (res: { raw: ServerResponse }) => {
    const location = res.raw.getHeader('location');
    return { statusCode: res.raw.statusCode, ...(typeof location === 'string' && { location: redactUrl(location) }) };
  },
};

/**
 * Keys holding credentials, censored wherever a log call passes an object that has them
 * (at the top or one level down): a second net behind the serializers above.
 */
const SECRET_KEYS = [
  'password',
  'client_secret',
  'code_verifier',
  'access_token',
  'refresh_token',
  'id_token',
  'id_token_hint',
  'token',
  'authorization',
  'cookie',
  'body',
];

export const redactPaths = SECRET_KEYS.flatMap((key) => [key, `*.${key}`]);
