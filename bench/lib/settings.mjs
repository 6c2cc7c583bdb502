/** The provider's settings for a bench run, given to oidc-provider too; no rate limit may cap the bench. */
export const BENCH_SETTINGS = Object.freeze({
  ACCESS_TOKEN_TTL: '3600',
  REFRESH_TOKEN_TTL: '2592000',
  AUTH_CODE_TTL: '600',
  ACCESS_TOKEN_SIGNING_ALG: 'ES256',
  // The per-address limits would answer 429 to a load generator on one address; the bench lifts them
  // (they are still counted, in the production window).
  RATE_LIMIT_OAUTH: '1000000000',
  RATE_LIMIT_LOGIN_FAILURES: '1000000000',
  RATE_LIMIT_CLIENT_AUTH_FAILURES: '1000000000',
});
