/**
 * The algorithms ID tokens are signed with (OpenID Connect Discovery 1.0 §3
 * `id_token_signing_alg_values_supported`), and so the values a client may register as its
 * `id_token_signed_response_alg` (Dynamic Client Registration 1.0 §2). RS256 comes first: every
 * client gets it unless it asks for another (Core §15.1). Never `none`: an unsigned ID token
 * proves nothing. Each has an active signing key (KeysService); IdTokensService signs with it.
 */
export const ID_TOKEN_SIGNING_ALGS = ['RS256', 'ES256'] as const;
export type IdTokenSigningAlg = (typeof ID_TOKEN_SIGNING_ALGS)[number];

/** What a client that registers no `id_token_signed_response_alg` gets. */
export const DEFAULT_ID_TOKEN_SIGNING_ALG: IdTokenSigningAlg = 'RS256';

export function isIdTokenSigningAlg(value: unknown): value is IdTokenSigningAlg {
  return (ID_TOKEN_SIGNING_ALGS as readonly unknown[]).includes(value);
}
