/** RFC 3986 §3.1: an absolute URI starts with its scheme. */
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * What is wrong with an API identifier, or null: it must be an absolute URI without a fragment
 * (RFC 8707 §2), as a client will send it in `resource` and find it in a token's `aud`.
 */
export function apiIdentifierProblem(identifier: string): string | null {
  if (/[\x00-\x20\x7f]/.test(identifier)) return 'must not contain spaces or control characters';
  if (!SCHEME.test(identifier) || !URL.canParse(identifier)) return 'must be an absolute URI';
  if (identifier.includes('#')) return 'must not have a fragment';
  return null;
}
