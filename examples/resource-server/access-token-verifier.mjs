// Checks the provider's JWT access tokens (RFC 9068) at a resource server: one of your APIs.
//
//   import { createAccessTokenVerifier, bearerToken, AccessTokenError } from './access-token-verifier.mjs';
//
//   const verifier = createAccessTokenVerifier({
//     issuer: 'https://id.example.com',          // the provider's ISSUER
//     audience: 'https://api.example.com',       // this API's identifier, as registered (api:create --identifier)
//     scopes: ['api:read'],                      // what every request needs (verify() may ask for more)
//   });
//   try {
//     const claims = await verifier.verify(bearerToken(request.headers.authorization));
//     // claims.sub (the user), claims.client_id, claims.scope ...
//   } catch (error) {
//     if (!(error instanceof AccessTokenError)) throw error;  // the provider is unreachable: a 5xx, not the caller's fault
//     response.writeHead(error.status, { 'WWW-Authenticate': error.wwwAuthenticate() });
//   }
//
// The signing keys come from the provider's metadata (RFC 8414: `jwks_uri`) and are cached by
// jose's createRemoteJWKSet, which fetches them again when a token names a key it has not seen
// (a rotated key). Needs only `jose`.
import { createRemoteJWKSet, errors, jwtVerify } from 'jose';

/** What the provider signs access tokens with (ACCESS_TOKEN_SIGNING_ALG). */
const ALGORITHMS = ['ES256', 'RS256'];

/** The public descriptions; the library's own message, which may name claims and values, stays in `cause`. */
const DESCRIPTIONS = {
  invalid_request: 'the Authorization header is not a Bearer token',
  invalid_token: 'the access token is invalid, expired or not meant for this API',
  insufficient_scope: 'the access token lacks a scope this request needs',
};

/**
 * Why a request's token is refused, with what to answer (RFC 6750 §3):
 * - `code` undefined: no token at all: 401 and a challenge without an error code (§3.1);
 * - `invalid_request`: a malformed Authorization header: 400;
 * - `invalid_token`: forged, expired, for another API or another issuer, or not an access token: 401;
 * - `insufficient_scope`: a good token without a required scope (`scope` lists them): 403.
 */
export class AccessTokenError extends Error {
  /**
   * @param {'invalid_request' | 'invalid_token' | 'insufficient_scope' | undefined} code
   * @param {{ scope?: string[], cause?: unknown }} [options]
   */
  constructor(code, { scope, cause } = {}) {
    super(code ? DESCRIPTIONS[code] : 'no access token', { cause });
    this.name = 'AccessTokenError';
    this.code = code;
    this.status = code === 'invalid_request' ? 400 : code === 'insufficient_scope' ? 403 : 401;
    this.scope = scope;
  }

  /**
   * The `WWW-Authenticate` header for the answer: `Bearer` with the error (RFC 6750 §3), the scopes
   * needed, and where the API's protected resource metadata is (RFC 9728 §5.1), when given.
   * @param {{ realm?: string, resourceMetadata?: string, scope?: string[] }} [options]
   */
  wwwAuthenticate({ realm, resourceMetadata, scope = this.scope } = {}) {
    const params = [
      ['realm', realm],
      ['error', this.code],
      ['error_description', this.code && this.message],
      ['scope', scope?.length ? scope.join(' ') : undefined],
      ['resource_metadata', resourceMetadata],
    ].filter(([, value]) => value !== undefined);
    const quoted = params.map(([name, value]) => `${name}="${value.replace(/[\\"]/g, '\\$&')}"`);
    return ['Bearer', quoted.join(', ')].filter(Boolean).join(' ');
  }
}

/**
 * The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1). No header, or another
 * scheme: AccessTokenError without a code (the client should be told to authenticate); a Bearer
 * header without a well-formed token: `invalid_request`.
 * @param {string | undefined} authorization
 */
export function bearerToken(authorization) {
  const [scheme, ...rest] = (authorization ?? '').split(' ');
  if (scheme.toLowerCase() !== 'bearer') throw new AccessTokenError(undefined);
  const token = rest.join(' ');
  if (!/^[A-Za-z0-9\-._~+/]+=*$/.test(token)) throw new AccessTokenError('invalid_request');
  return token;
}

/**
 * RFC 8414 §3: the metadata of an issuer with a path lives at /.well-known/oauth-authorization-server/<path>.
 * @param {string} issuer
 */
function metadataUrl(issuer) {
  const url = new URL(issuer);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return new URL(`/.well-known/oauth-authorization-server${path}`, url.origin);
}

/**
 * The provider's key set, from its metadata, fetched on first use; a failed fetch is tried again
 * on the next call. RFC 8414 §3.3: the metadata must name the issuer it was fetched for.
 * @param {string} issuer
 */
function remoteKeys(issuer) {
  let keys;
  return () =>
    (keys ??= (async () => {
      const response = await fetch(metadataUrl(issuer), { headers: { Accept: 'application/json' } });
      if (!response.ok) throw new Error(`${metadataUrl(issuer)} answered ${response.status}`);
      const metadata = await response.json();
      if (metadata.issuer !== issuer) throw new Error(`the metadata names issuer ${metadata.issuer}, not ${issuer}`);
      return createRemoteJWKSet(new URL(metadata.jwks_uri));
    })().catch((error) => {
      keys = undefined;
      throw error;
    }));
}

/** jose's errors that say the key set could not be had: the provider's trouble, not the token's. */
const UNAVAILABLE = new Set(['ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID']);

/**
 * @param {{ issuer: string, audience: string, scopes?: string[], clockTolerance?: number }} options
 *   `audience`: this API's identifier (the token's `aud`, RFC 8707 / RFC 9068 §4);
 *   `scopes`: required on every request; `clockTolerance`: seconds of clock skew allowed (5).
 */
export function createAccessTokenVerifier({ issuer, audience, scopes = [], clockTolerance = 5 }) {
  const keys = remoteKeys(issuer);
  return {
    /**
     * The token's claims, once its signature, `typ` (at+jwt), `iss`, `aud`, `exp`, `iat` and scopes
     * check out; else AccessTokenError. Any other error means the provider's keys could not be had.
     * @param {string} token
     * @param {{ scopes?: string[] }} [options] scopes this request needs besides the verifier's own
     * @returns {Promise<import('jose').JWTPayload & { sub: string, client_id?: string, scope?: string }>}
     */
    async verify(token, { scopes: more = [] } = {}) {
      const keySet = await keys();
      let payload;
      try {
        ({ payload } = await jwtVerify(token, keySet, {
          issuer,
          audience,
          // RFC 9068 §4: an ID token or any other JWT signed with the same keys is not an access token.
          typ: 'at+jwt',
          algorithms: ALGORITHMS,
          clockTolerance,
          requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat'],
        }));
      } catch (error) {
        if (error instanceof errors.JOSEError && !UNAVAILABLE.has(error.code)) {
          throw new AccessTokenError('invalid_token', { cause: error });
        }
        throw error;
      }
      // jose checks that `iat` is a number; a token issued in the future is as suspect as an expired one.
      if (payload.iat > Date.now() / 1000 + clockTolerance) {
        throw new AccessTokenError('invalid_token', { cause: new Error('iat is in the future') });
      }
      if (payload.scope !== undefined && typeof payload.scope !== 'string') {
        throw new AccessTokenError('invalid_token', { cause: new Error('scope is not a string') });
      }
      const granted = new Set((payload.scope ?? '').split(' '));
      const needed = [...scopes, ...more];
      if (!needed.every((scope) => granted.has(scope))) {
        throw new AccessTokenError('insufficient_scope', { scope: needed });
      }
      return payload;
    },
  };
}
