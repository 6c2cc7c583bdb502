/** The members of a JWS protected header (RFC 7515 §4.1) the provider looks at before verifying. */
export interface JwsHeader {
  kid?: string;
  typ?: string;
}

/**
 * The protected header of a compact JWS, read before its signature is checked, or null when
 * the value is not one. jsonwebtoken's decode() is not used: it also parses the payload and
 * throws on a `typ: JWT` token whose payload is not JSON. Members that are not strings are
 * dropped, so that a `kid` made an object never reaches a database query.
 */
export function jwsHeader(token: string): JwsHeader | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof header !== 'object' || header === null) return null;
  const { kid, typ } = header as Record<string, unknown>;
  return { kid: typeof kid === 'string' ? kid : undefined, typ: typeof typ === 'string' ? typ : undefined };
}
