/** What each scope lets a client do, in the words the consent page shows. */
const DESCRIPTIONS: Record<string, string> = {
  openid: 'Sign you in with your account',
  profile: 'See your name and username',
  email: 'See your email address',
  offline_access: 'Stay connected when you are not using it',
  admin: 'Administer the partner applications registered with this provider',
};

/**
 * The scopes the provider gives meaning to that a partner may ask for, as discovery publishes
 * them; clients may also be registered with their own API scopes. `admin` is left out: it opens
 * the provider's own administration, only to clients an administrator registers for it, and RFC
 * 8414 §2 lets a server not advertise a scope it supports.
 */
export const SUPPORTED_SCOPES = Object.keys(DESCRIPTIONS).filter((scope) => scope !== 'admin');

export function describeScope(scope: string): string {
  return DESCRIPTIONS[scope] ?? `Use the "${scope}" permission`;
}
