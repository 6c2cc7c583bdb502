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

/**
 * Keys holding credentials, censored wherever a log call passes an object that has them
 * (at the top or one level down). Request lines need no such net: they are built from named
 * fields alone (request-log.ts).
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
