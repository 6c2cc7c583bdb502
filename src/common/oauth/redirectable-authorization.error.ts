import { OAuthError } from './oauth.error';

/**
 * An error in an authorization request whose client and redirect URI are
 * valid: it goes back to the client at that URI (RFC 6749 §4.1.2.1).
 */
export class RedirectableAuthorizationError extends Error {
  constructor(
    readonly oauthError: OAuthError,
    readonly redirectUri: string,
    readonly state: string | undefined,
  ) {
    super(oauthError.description);
  }
}
