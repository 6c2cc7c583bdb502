/** What each scope lets a client do, in the words the consent page shows. */
const DESCRIPTIONS: Record<string, string> = {
  openid: 'Sign you in with your account',
  profile: 'See your name and username',
  email: 'See your email address',
  offline_access: 'Stay connected when you are not using it',
  admin: 'Administer the partner applications registered with this provider',
};

/** The scopes the provider itself gives meaning to; clients may also be registered with their own API scopes. */
export const SUPPORTED_SCOPES = Object.keys(DESCRIPTIONS);

export function describeScope(scope: string): string {
  return DESCRIPTIONS[scope] ?? `Use the "${scope}" permission`;
}
