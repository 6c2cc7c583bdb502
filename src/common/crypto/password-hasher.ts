import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { randomBytes, ScryptOptions } from 'node:crypto';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import { ProviderEnvironment } from '../../config/environment';
import { TemporarilyUnavailableError } from '../oauth/oauth.error';
import { safeEqual } from './tokens';

const PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
/** The most memory (128·N·r bytes) a stored hash may ask for when verifying: 1 GiB, room to raise PARAMS later. */
const MAX_MEMORY = 2 ** 30;
/**
 * Hashes waiting per thread before further ones are refused: at 50 ms a hash, a burst of sign-ins
 * (a hundred people pressing Sign in within the same second) waits about six seconds at most, and
 * a flood is turned away instead of queueing without end.
 */
export const QUEUE_PER_THREAD = 128;

const inRange = (n: number, min: number, max: number) => Number.isInteger(n) && n >= min && n <= max;

/**
 * Passwords are low-entropy, so they get a memory-hard hash: scrypt with
 * N=2^15, r=8, p=1 (32 MiB, OWASP's minimum). Stored as
 * `scrypt$N$r$p$salt$key` so that parameters can be raised later.
 *
 * Each hash takes tens of milliseconds of CPU. They run in a pool of PASSWORD_HASH_THREADS
 * threads of their own (scrypt.worker.mjs), not on libuv's four threads, which sign every token:
 * a flood of sign-ins slows sign-ins, never token issuance.
 */
@Injectable()
export class PasswordHasher implements OnApplicationShutdown {
  private readonly pool: Piscina<unknown, Uint8Array>;

  constructor(config: ConfigService<ProviderEnvironment, true>) {
    const threads = config.get('PASSWORD_HASH_THREADS', { infer: true });
    this.pool = new Piscina({
      filename: join(__dirname, 'scrypt.worker.mjs'),
      minThreads: threads,
      maxThreads: threads,
      maxQueue: threads * QUEUE_PER_THREAD,
      idleTimeout: Infinity,
    });
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const key = await this.derive(password, salt, PARAMS);
    return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join('$');
  }

  /** False for a wrong password and for a stored string that is not a hash this code could have made. */
  async verify(password: string, stored: string): Promise<boolean> {
    const [scheme, N, r, p, salt, key, ...rest] = stored.split('$');
    if (scheme !== 'scrypt' || !salt || !key || rest.length > 0) return false;
    const params = { N: Number(N), r: Number(r), p: Number(p) };
    // Checked first so that a damaged row can neither make scrypt throw nor ask it for gigabytes of memory.
    const powerOfTwo = inRange(params.N, 2, 2 ** 30) && (params.N & (params.N - 1)) === 0;
    if (!powerOfTwo || !inRange(params.r, 1, 64) || !inRange(params.p, 1, 16)) return false;
    if (128 * params.N * params.r > MAX_MEMORY) return false;
    const derived = await this.derive(password, Buffer.from(salt, 'base64url'), params);
    return safeEqual(derived.toString('base64url'), key);
  }

  /** The threads end with the application (and let a CLI command's process exit). */
  async onApplicationShutdown(): Promise<void> {
    await this.pool.destroy();
  }

  private async derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
    const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r };
    if (this.pool.queueSize >= this.pool.options.maxQueue) {
      throw new TemporarilyUnavailableError(
        'Too many people are signing in right now. Wait a moment, then try again.',
        'password hashing queue full',
      );
    }
    const key = await this.pool.run({ password: password.normalize('NFC'), salt, keyLength: KEY_LENGTH, options });
    return Buffer.from(key.buffer, key.byteOffset, key.byteLength);
  }
}
