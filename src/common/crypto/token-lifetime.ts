/**
 * Why a signed token's times are not acceptable, or undefined when they are (all in seconds).
 * `exp` and `iat` must be there (RFC 9068 §2.2 for access tokens, OpenID Connect Core §2 for ID
 * tokens); `iat` may lie in the future by `tolerance` at most, the difference between two
 * instances' clocks; and the token may live (`exp` − `iat`) no longer than its kind's `lifetime`
 * plus `tolerance`, so that even a token made with a stolen key is not good for years. Whether
 * `exp` has passed is the signature check's.
 */
export function lifetimeProblem(
  claims: { iat?: unknown; exp?: unknown },
  lifetime: number,
  tolerance: number,
  now = Date.now() / 1000,
): string | undefined {
  const { iat, exp } = claims;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return 'no exp';
  if (typeof iat !== 'number' || !Number.isFinite(iat)) return 'no iat';
  if (iat > now + tolerance) return 'iat in the future';
  if (exp - iat > lifetime + tolerance) return 'lifetime longer than issued here';
  return undefined;
}
