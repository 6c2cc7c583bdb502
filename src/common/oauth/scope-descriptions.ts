/** What each scope lets a client do, in the words the consent page shows. */
const DESCRIPTIONS: Record<string, string> = {
  openid: 'Sign you in with your account',
  profile: 'See your name and username',
  email: 'See your email address',
  offline_access: 'Stay connected when you are not using it',
  admin: 'Administer the partner applications registered with this provider',
};

/** The scopes the provider itself gives meaning to; no API may define one of them. */
export const BUILT_IN_SCOPES: readonly string[] = Object.keys(DESCRIPTIONS);

/**
 * The OpenID scopes: they govern the ID token, userinfo and refresh, not what an access token
 * opens at an API, so they may accompany a resource indicator (RFC 8707) naming any API.
 */
export const OPENID_SCOPES: readonly string[] = BUILT_IN_SCOPES.filter((scope) => scope !== 'admin');

/**
 * The built-in scopes that a partner may ask for, as discovery publishes them, with the scopes of
 * the registered APIs. `admin` is left out: it opens
 * the provider's own administration, only to clients an administrator registers for it, and RFC
 * 8414 §2 lets a server not advertise a scope it supports.
 */
export const SUPPORTED_SCOPES = [...OPENID_SCOPES];

/** A built-in scope's description; a scope the provider does not know is named as it is. */
export function describeScope(scope: string): string {
  return DESCRIPTIONS[scope] ?? `Use the "${scope}" permission`;
}
