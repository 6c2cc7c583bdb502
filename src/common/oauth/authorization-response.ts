/**
 * The redirect URI with the response parameters added to its query
 * (RFC 6749 §4.1.2, keeping any query it was registered with; RFC 9207 `iss`).
 * The registered string is kept as it is: no URL parser re-serialises it.
 */
export function authorizationResponseUrl(redirectUri: string, params: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) query.append(name, value);
  return redirectUri + (redirectUri.includes('?') ? '&' : '?') + query.toString();
}
