import { createHash, randomFillSync, timingSafeEqual } from 'node:crypto';

/**
 * Random bytes are drawn from OpenSSL a page at a time, as Node does for randomUUID(): each draw
 * makes a system call (OpenSSL's check for a fork), whatever its size, and under load that call
 * cost a refresh rotation more than its ECDSA signature.
 */
const POOL_SIZE = 4096;
let pool = Buffer.alloc(0);
let taken = 0;

/** What `use` makes of `bytes` random bytes, which are handed out once and do not stay in memory after. */
function withRandomBytes<T>(bytes: number, use: (value: Buffer) => T): T {
  if (taken + bytes > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(Math.max(POOL_SIZE, bytes)));
    taken = 0;
  }
  const value = pool.subarray(taken, (taken += bytes));
  const made = use(value);
  value.fill(0);
  return made;
}

/** A random value of `bytes` bytes of entropy (256 bits by default), base64url-encoded. */
export function randomToken(bytes = 32): string {
  return withRandomBytes(bytes, (value) => value.toString('base64url'));
}

/** SHA-256 in hex: how secrets are stored (codes and refresh tokens by tokenDigest). High-entropy values need no slow hash. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** The milliseconds since 1970 at the head of a time-ordered value: 6 bytes last until the year 10889. */
const TIME_BYTES = 6;
/** A time-ordered token: its time, then 256 random bits. */
const TIME_ORDERED_BYTES = TIME_BYTES + 32;
/** The length of a time-ordered token, base64url-encoded. */
const TIME_ORDERED_LENGTH = Math.ceil((TIME_ORDERED_BYTES * 4) / 3);
/** Of a time-ordered token's SHA-256, the hex digits its digest keeps after its time, so that the digest has 64 digits as a plain SHA-256 does. */
const HASH_DIGITS = 64 - 2 * TIME_BYTES;

/**
 * A token for a value that is stored by its digest (tokenDigest): the time it was made, in
 * milliseconds, followed by 256 random bits, base64url-encoded (51 characters). Its time says
 * nothing its holder did not already know.
 */
export function timeOrderedToken(now = Date.now()): string {
  const value = Buffer.alloc(TIME_ORDERED_BYTES);
  value.writeUIntBE(now, 0, TIME_BYTES);
  withRandomBytes(32, (random) => random.copy(value, TIME_BYTES));
  return value.toString('base64url');
}

/**
 * How codes and refresh tokens are stored and looked up: a time-ordered token's time in hex, then
 * the first 208 bits of its SHA-256; any other value's whole SHA-256 (the 43-character tokens made
 * before, which stay valid until they expire). Digests that begin with their time sort in the
 * order they were made, so a table of millions takes each new row beside the last, in pages its
 * cache already holds, instead of in a random page of an index larger than its cache; and a token
 * presented soon after it was made is found there too. 208 bits of SHA-256 over 256 random bits
 * leave no guess a chance.
 */
export function tokenDigest(token: string): string {
  const hash = sha256(token);
  if (token.length !== TIME_ORDERED_LENGTH) return hash;
  return Buffer.from(token, 'base64url').subarray(0, TIME_BYTES).toString('hex') + hash.slice(0, HASH_DIGITS);
}

/**
 * A UUID (RFC 9562 version 7) that begins with the time it was made, in milliseconds: a primary key
 * whose new rows land beside each other in its index, as tokenDigest's do.
 */
export function timeOrderedUuid(now = Date.now()): string {
  const value = withRandomBytes(16, (random) => Buffer.from(random));
  value.writeUIntBE(now, 0, TIME_BYTES);
  value[6] = (value[6] & 0x0f) | 0x70;
  value[8] = (value[8] & 0x3f) | 0x80;
  const hex = value.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Constant-time comparison of two strings. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
