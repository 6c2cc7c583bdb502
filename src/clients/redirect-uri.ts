/** Native apps' loopback redirect URIs, whose port may vary (RFC 8252 §7.3). */
const LOOPBACK = /^http:\/\/(127\.0\.0\.1|\[::1\])(:\d{1,5})?([/?].*)?$/;

/**
 * Why a redirect URI cannot be registered, or null if it can.
 * RFC 6749 §3.1.2, RFC 9700 §4.1.1 and RFC 8252 §7: absolute, no fragment,
 * no wildcard, https, http only on a loopback address, or a private-use
 * scheme in reverse-domain form for native apps.
 */
export function redirectUriProblem(uri: string): string | null {
  if (uri.length > 2000) return 'is too long';
  if (/[\x00-\x20\x7f-\uffff\\]/.test(uri)) return 'contains spaces, control or non-ASCII characters';
  if (uri.includes('*')) return 'contains a wildcard';
  if (uri.includes('#')) return 'contains a fragment';
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'is not an absolute URI';
  }
  if (url.username || url.password) return 'contains user information';
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  if (scheme === 'https') return url.hostname ? null : 'has no host';
  if (scheme === 'http') {
    return LOOPBACK.test(uri) || /^http:\/\/localhost(:\d{1,5})?([/?].*)?$/.test(uri)
      ? null
      : 'uses http with a host other than a loopback address';
  }
  if (['javascript', 'data', 'vbscript', 'file', 'blob', 'about'].includes(scheme)) return `uses the ${scheme}: scheme`;
  return scheme.includes('.')
    ? null
    : 'must use https, http on a loopback address, or a reverse-domain private-use scheme';
}

/**
 * Exact string comparison, except that a loopback URI may differ in port (RFC 8252 §7.3):
 * a port, that is, 65535 at most (RFC 6335 §6); ":99999" is no port a native app listens on.
 */
export function redirectUriMatches(registered: string, candidate: string): boolean {
  if (registered === candidate) return true;
  const r = LOOPBACK.exec(registered);
  const c = LOOPBACK.exec(candidate);
  const portOk = !c?.[2] || Number(c[2].slice(1)) <= 65535;
  return !!r && !!c && portOk && r[1] === c[1] && (r[3] ?? '') === (c[3] ?? '');
}
