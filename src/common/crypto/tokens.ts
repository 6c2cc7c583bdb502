import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A random value of `bytes` bytes of entropy (256 bits by default), base64url-encoded. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256 in hex: how codes, refresh tokens and client secrets are stored. High-entropy values need no slow hash. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Constant-time comparison of two strings. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
