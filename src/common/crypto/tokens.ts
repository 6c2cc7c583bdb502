import { createHash, randomFillSync, timingSafeEqual } from 'node:crypto';

/**
 * Random bytes are drawn from OpenSSL a page at a time, as Node does for randomUUID(): each draw
 * makes a system call (OpenSSL's check for a fork), whatever its size, and under load that call
 * cost a refresh rotation more than its ECDSA signature.
 */
const POOL_SIZE = 4096;
let pool = Buffer.alloc(0);
let taken = 0;

/** A random value of `bytes` bytes of entropy (256 bits by default), base64url-encoded. */
export function randomToken(bytes = 32): string {
  if (taken + bytes > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(Math.max(POOL_SIZE, bytes)));
    taken = 0;
  }
  const value = pool.subarray(taken, (taken += bytes));
  const token = value.toString('base64url');
  // Each value is handed out once, and its bytes do not stay in memory after.
  value.fill(0);
  return token;
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
