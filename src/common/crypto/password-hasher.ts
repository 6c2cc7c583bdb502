import { randomBytes, scrypt, ScryptOptions } from 'node:crypto';
import { safeEqual } from './tokens';

const PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

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

  async verify(password: string, stored: string): Promise<boolean> {
    const [scheme, N, r, p, salt, key] = stored.split('$');
    if (scheme !== 'scrypt' || !salt || !key) return false;
    const derived = await derive(password, Buffer.from(salt, 'base64url'), { N: +N, r: +r, p: +p });
    return safeEqual(derived.toString('base64url'), key);
  },
};
