import { randomBytes, scrypt, ScryptOptions } from 'node:crypto';
import { safeEqual } from './tokens';

const PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
/** The most memory (128·N·r bytes) a stored hash may ask for when verifying: 1 GiB, room to raise PARAMS later. */
const MAX_MEMORY = 2 ** 30;

const inRange = (n: number, min: number, max: number) => Number.isInteger(n) && n >= min && n <= max;

function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/**
 * Passwords are low-entropy, so they get a memory-hard hash: scrypt with
 * N=2^15, r=8, p=1 (32 MiB, OWASP's minimum). Stored as
 * `scrypt$N$r$p$salt$key` so that parameters can be raised later.
 */
export const PasswordHasher = {
  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const key = await derive(password, salt, PARAMS);
    return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join('$');
  },

  /** False for a wrong password and for a stored string that is not a hash this code could have made. */
  async verify(password: string, stored: string): Promise<boolean> {
    const [scheme, N, r, p, salt, key, ...rest] = stored.split('$');
    if (scheme !== 'scrypt' || !salt || !key || rest.length > 0) return false;
    const params = { N: Number(N), r: Number(r), p: Number(p) };
    // Checked first so that a damaged row can neither make scrypt throw nor ask it for gigabytes of memory.
    const powerOfTwo = inRange(params.N, 2, 2 ** 30) && (params.N & (params.N - 1)) === 0;
    if (!powerOfTwo || !inRange(params.r, 1, 64) || !inRange(params.p, 1, 16)) return false;
    if (128 * params.N * params.r > MAX_MEMORY) return false;
    const derived = await derive(password, Buffer.from(salt, 'base64url'), params);
    return safeEqual(derived.toString('base64url'), key);
  },
};
