/**
 * Where to send the browser after login: only ever a path inside the
 * provider, so that the login page cannot be used as an open redirector.
 */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || value.length > 4096 || !value.startsWith('/') || /[\\\x00-\x20\x7f]/.test(value)) {
    return '/';
  }
  const base = 'http://provider.invalid';
  const url = new URL(value, base);
  const path = url.pathname + url.search;
  // Dot segments ("/.//x", "/a/..//x", "/%2e%2e//x") normalise to "//x", which a browser reads as another host.
  return url.origin === base && !path.startsWith('//') ? path : '/';
}
