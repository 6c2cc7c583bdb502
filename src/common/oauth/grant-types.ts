/**
 * The grant types this provider implements; a client may be allowed any of them. The one list:
 * registration validates against it (ClientMetadataDto, a static decorator, hence a constant here),
 * each grant handler's `grantType` is typed from it, and the token endpoint refuses to start unless
 * its handlers cover it exactly (TokensService), so discovery can publish what the handlers handle.
 */
export const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const;
export type GrantType = (typeof GRANT_TYPES)[number];

/** What a client is allowed when registration names no grant types. */
export const DEFAULT_GRANT_TYPES: GrantType[] = ['authorization_code', 'refresh_token'];
