/** What the audit trail records, one type per kind of security-relevant event. */
export const AUDIT_EVENT_TYPES = [
  'login.succeeded',
  'login.failed',
  'consent.given',
  'consent.refused',
  'code.issued',
  /** Tokens from a code exchange or client_credentials. */
  'token.issued',
  'token.refreshed',
  'token.revoked',
  /** RFC 6749 §4.1.2: a code redeemed twice; what it produced is revoked. */
  'code.reuse_detected',
  /** RFC 9700 §4.14.2: a rotated refresh token presented again; its grant is revoked. */
  'refresh_token.reuse_detected',
  'client.created',
  /** A client registered itself at the dynamic registration endpoint (RFC 7591); `actor` is `registration`. */
  'client.registered',
  'client.updated',
  'client.deleted',
  'client.secret_rotated',
  /** An initial access token for dynamic client registration made (CLI registration-token:create). */
  'registration_token.created',
  /** APIs (resource servers) administered; `detail` names the identifier. */
  'api.created',
  'api.updated',
  'api.deleted',
  /** Users administered (admin API, CLI); `detail` names the fields changed, never a password. */
  'user.created',
  'user.updated',
  'user.deleted',
  /** A grant of a user revoked by an administrator. */
  'grant.revoked',
  'keys.rotated',
  /** Signing keys that may have leaked, made to verify nothing at once (keys:rotate --withdraw). */
  'keys.withdrawn',
  /** A browser session of a user ended by an administrator or by the user (account page); `detail` names it by its row id. */
  'session.revoked',
] as const;

export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

/** A few plain facts about an event: scope, grant id, grant type. Never a secret, token or code. */
export type AuditDetail = Record<string, string | number | boolean | null | string[]>;

/**
 * Who did it and from where, as far as the caller knows: `actor` is `user:<id>` for a person
 * (signed in, or through a token a client holds for them), `client:<client_id>` for a client
 * acting for itself (its own credentials, a client_credentials token), `cli` for the
 * administration command line, `metadata_document` for a client made or changed from its Client
 * ID Metadata Document, `registration` for whoever registers a client at the dynamic
 * registration endpoint (RFC 7591 §3). A self-registered client that reads, replaces or deletes
 * its own registration with its registration access token (RFC 7592) acts as `client:<client_id>`.
 */
export interface AuditOrigin {
  actor?: string;
  /** The person acting, when `actor` is a user. */
  userId?: string | null;
  /** The client through which a person acted (its token), recorded as the event's `via_client` detail. */
  viaClient?: string;
  ip?: string;
}
