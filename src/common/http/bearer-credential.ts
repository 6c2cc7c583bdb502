/**
 * The token of an `Authorization: Bearer` header (RFC 6750 §2.1, its b64token syntax); undefined
 * when there is no such header or it is malformed.
 */
export function bearerCredential(authorization: string | undefined): string | undefined {
  return /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(authorization ?? '')?.[1];
}
