import { parseScope } from '../common/oauth/scope';

/** The claims of an access token, as RFC 9068 §2.2 lays them out. */
export interface AccessTokenClaims {
  iss: string;
  sub: string;
  aud: string;
  client_id: string;
  scope: string;
  jti: string;
  iat: number;
  exp: number;
  /** The grant the token descends from (absent for client_credentials); revoking the grant kills the token. */
  gid?: string;
}

export interface IssuedAccessToken {
  token: string;
  claims: AccessTokenClaims;
  expiresIn: number;
}

const STRING_CLAIMS = ['iss', 'sub', 'aud', 'client_id', 'scope', 'jti'] as const;
const NUMBER_CLAIMS = ['iat', 'exp'] as const;

/**
 * Whether a verified payload has the claims of an access token issued here, each of its type, and
 * `scope` in the form of RFC 6749 §3.3. A signature proves who signed, not what: whatever else it
 * carries (an array for a scope, an object for a jti) must not reach the checks that follow.
 */
export function isAccessTokenClaims(payload: unknown): payload is AccessTokenClaims {
  if (typeof payload !== 'object' || payload === null) return false;
  const claims = payload as Record<string, unknown>;
  return (
    STRING_CLAIMS.every((name) => typeof claims[name] === 'string') &&
    NUMBER_CLAIMS.every((name) => typeof claims[name] === 'number') &&
    (claims.gid === undefined || typeof claims.gid === 'string') &&
    parseScope(claims.scope as string) !== null
  );
}
