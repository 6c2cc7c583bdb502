/**
 * OAuth errors, one class per RFC error code. `description` is public (it
 * becomes `error_description`); `detail` is for the log only.
 */
export abstract class OAuthError extends Error {
  abstract readonly error: string;
  readonly status: number = 400;

  /** The WWW-Authenticate challenge this error answers with, if any. */
  get challenge(): string | undefined {
    return undefined;
  }

  constructor(
    readonly description: string,
    readonly detail?: string,
  ) {
    super(description);
  }
}

/** RFC 6749 §5.2 */
export class InvalidRequestError extends OAuthError {
  readonly error = 'invalid_request';
}
export class InvalidClientError extends OAuthError {
  readonly error = 'invalid_client';
  override readonly status = 401;
  /** True when the client tried HTTP Basic or sent no credentials: the answer then carries WWW-Authenticate (RFC 6749 §5.2). */
  readonly usedBasic: boolean;

  constructor(description: string, detail?: string, { usedBasic = false }: { usedBasic?: boolean } = {}) {
    super(description, detail);
    this.usedBasic = usedBasic;
  }

  override get challenge() {
    return this.usedBasic ? 'Basic realm="oauth", charset="UTF-8"' : undefined;
  }
}
export class InvalidGrantError extends OAuthError {
  readonly error = 'invalid_grant';
}
export class UnauthorizedClientError extends OAuthError {
  readonly error = 'unauthorized_client';
}
export class UnsupportedGrantTypeError extends OAuthError {
  readonly error = 'unsupported_grant_type';
}
export class InvalidScopeError extends OAuthError {
  readonly error = 'invalid_scope';
}

/** RFC 8707 §2: the resource named is invalid, unknown or malformed, or does not go with the scope asked for. */
export class InvalidTargetError extends OAuthError {
  readonly error = 'invalid_target';
}

/** RFC 6749 §4.1.2.1 */
export class AccessDeniedError extends OAuthError {
  readonly error = 'access_denied';
}
export class UnsupportedResponseTypeError extends OAuthError {
  readonly error = 'unsupported_response_type';
}
export class ServerError extends OAuthError {
  readonly error = 'server_error';
  override readonly status = 500;
}
/**
 * 503: the database, or the password hashing, cannot serve the request now. Retry-After (RFC 9110
 * §10.2.3) says to try again in a second: about what a database failover behind a health-checked
 * load balancer takes.
 */
export class TemporarilyUnavailableError extends OAuthError {
  readonly error = 'temporarily_unavailable';
  override readonly status = 503;
  readonly retryAfter = 1;
}

/**
 * Too many requests (RFC 6585 §4): 429, and Retry-After (RFC 9110 §10.2.3) says how many seconds to wait.
 * RFC 6749 §5.2 has no code for it. `slow_down` belongs to the device flow (RFC 8628 §3.5) and tells a
 * client to poll less often; an invented `too_many_requests` means nothing to any client library.
 * `temporarily_unavailable` is the core's "try again later" (§4.1.2.1), which clients already handle;
 * the status and Retry-After say why and for how long.
 */
export class TooManyRequestsError extends OAuthError {
  readonly error = 'temporarily_unavailable';
  override readonly status = 429;

  constructor(
    description: string,
    readonly retryAfter: number,
  ) {
    super(description);
  }
}

/** OpenID Connect Core §3.1.2.6: prompt=none could not be honoured. */
export class LoginRequiredOAuthError extends OAuthError {
  readonly error = 'login_required';
}
export class ConsentRequiredOAuthError extends OAuthError {
  readonly error = 'consent_required';
}

/** OpenID Connect Core §3.1.2.6: request objects (§6) are not supported. */
export class RequestNotSupportedError extends OAuthError {
  readonly error = 'request_not_supported';
}
export class RequestUriNotSupportedError extends OAuthError {
  readonly error = 'request_uri_not_supported';
}

/** RFC 6750 §3.1 */
export class InvalidTokenError extends OAuthError {
  readonly error = 'invalid_token';
  override readonly status = 401;
  /** RFC 6750 §3.1: a request with no token at all gets a challenge without an error code. */
  readonly tokenMissing: boolean;

  constructor(description: string, detail?: string, { tokenMissing = false }: { tokenMissing?: boolean } = {}) {
    super(description, detail);
    this.tokenMissing = tokenMissing;
  }

  override get challenge() {
    return this.tokenMissing ? 'Bearer realm="oauth"' : 'Bearer realm="oauth", error="invalid_token"';
  }
}
export class InsufficientScopeError extends OAuthError {
  readonly error = 'insufficient_scope';
  override readonly status = 403;

  override get challenge() {
    return 'Bearer realm="oauth", error="insufficient_scope"';
  }
}

/** RFC 7591 §3.2.2 */
export class InvalidClientMetadataError extends OAuthError {
  readonly error = 'invalid_client_metadata';
}
export class InvalidRedirectUriError extends OAuthError {
  readonly error = 'invalid_redirect_uri';
}

/** Not an RFC code: a resource that does not exist (admin API). */
export class NotFoundError extends OAuthError {
  readonly error = 'not_found';
  override readonly status = 404;
}

/** A request with a method its path does not take (RFC 6749 §3.2: the token endpoint takes POST only). */
export class MethodNotAllowedError extends OAuthError {
  readonly error = 'invalid_request';
  override readonly status = 405;

  constructor(
    method: string,
    /** RFC 9110 §15.5.6: a 405 names, in `Allow`, the methods the resource does take. */
    readonly allow: string[],
  ) {
    super(`${method.slice(0, 16)} is not allowed here; use ${allow.join(' or ')}`);
  }
}
