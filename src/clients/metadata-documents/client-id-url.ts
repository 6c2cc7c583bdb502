/** The longest client_id the provider stores (the client_id columns); a longer URL names no client. */
export const CLIENT_ID_MAX_LENGTH = 255;

/** Loopback hosts, the only ones a document may be fetched from over http, and only when allowed. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Whether a client_id is meant as a Client ID Metadata Document's URL rather than a registered
 * client's id. Registered ids are random base64url and never contain "://", so the two never meet.
 */
export function isClientIdUrl(clientId: string): boolean {
  return /^https?:\/\//i.test(clientId);
}

/**
 * The host of a metadata document client's URL, as the consent page names where the client comes
 * from; undefined for a registered client.
 */
export function clientIdUrlHost(clientId: string): string | undefined {
  return isClientIdUrl(clientId) && URL.canParse(clientId) ? new URL(clientId).host : undefined;
}

/** How a person is shown a client: its name, and for a metadata document client the host vouching for it. */
export function clientDisplayName(client: { clientId: string; name: string }): string {
  const host = clientIdUrlHost(client.clientId);
  return host ? `${client.name} (from ${host})` : client.name;
}

/**
 * Why a client_id URL cannot name a metadata document, or null if it can
 * (draft-ietf-oauth-client-id-metadata-document §3): https, a path, no dot segments, no fragment,
 * no user information, and written as the URL parser writes it, so that one client has one id.
 * Over http only a loopback host, and only when `allowLoopback`.
 */
export function clientIdUrlProblem(clientId: string, allowLoopback: boolean): string | null {
  if (clientId.length > CLIENT_ID_MAX_LENGTH) return `is longer than ${CLIENT_ID_MAX_LENGTH} characters`;
  if (!URL.canParse(clientId)) return 'is not a URL';
  const url = new URL(clientId);
  if (url.protocol === 'http:') {
    if (!allowLoopback || !LOOPBACK_HOSTS.has(url.hostname)) return 'must use https';
  } else if (url.protocol !== 'https:') {
    return 'must use https';
  }
  if (url.username || url.password) return 'must not contain user information';
  if (clientId.includes('#')) return 'must not contain a fragment';
  if (url.pathname === '/' || url.pathname === '') return 'must have a path';
  if (/\/(\.|%2e){1,2}(\/|\?|$)/i.test(clientId.slice(url.origin.length)))
    return 'must not contain . or .. path segments';
  if (url.href !== clientId) return 'must be written in its normal form (lower-case scheme and host, no default port)';
  return null;
}
