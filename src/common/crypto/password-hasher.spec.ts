import { ConfigService } from '@nestjs/config';
import { execFileSync } from 'node:child_process';
import { scryptSync } from 'node:crypto';
import { closeSync, constants, mkdtempSync, openSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ProviderEnvironment, validateEnvironment } from '../../config/environment';
import { TemporarilyUnavailableError } from '../oauth/oauth.error';
import { PasswordHasher, QUEUE_PER_THREAD } from './password-hasher';

describe('PasswordHasher', () => {
  const sut = new PasswordHasher(new ConfigService<ProviderEnvironment, true>(validateEnvironment({})));
  let stored: string;

  beforeAll(async () => {
    stored = await sut.hash('correct horse battery staple');
  });
  afterAll(() => sut.onApplicationShutdown());

  it('stores scrypt with its parameters, a salt and the key, not the password', () => {
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(stored).not.toContain('correct horse');
  });

  it('salts every hash, so one password hashes differently twice', async () => {
    expect(await sut.hash('correct horse battery staple')).not.toBe(stored);
  });

  it('verifies the right password', async () => {
    expect(await sut.verify('correct horse battery staple', stored)).toBe(true);
  });

  it.each([
    ['a wrong password', 'correct horse battery stapler'],
    ['the empty password', ''],
    ['the password in another case', 'Correct horse battery staple'],
  ])('refuses %s', async (_, password) => {
    expect(await sut.verify(password, stored)).toBe(false);
  });

  it('verifies a password typed in another Unicode normalization form (NFC)', async () => {
    const composed = await sut.hash('caf\u00e9');
    expect(await sut.verify('cafe\u0301', composed)).toBe(true);
  });

  it('verifies a hash made with other parameters, so they can be raised later', async () => {
    const [, , , , salt] = stored.split('$');
    // A hash with N=2^14 made by hand, as an older version would have stored it.
    const key = scryptSync('pw', Buffer.from(salt, 'base64url'), 32, { N: 2 ** 14, r: 8, p: 1 }).toString('base64url');
    expect(await sut.verify('pw', `scrypt$16384$8$1$${salt}$${key}`)).toBe(true);
  });

  it.each([
    ['the empty string', () => ''],
    ['a bare word', () => 'scrypt'],
    ['another scheme', () => stored.replace(/^scrypt/, 'bcrypt')],
    ['a missing key', () => stored.split('$').slice(0, 5).join('$')],
    ['an extra field', () => `${stored}$extra`],
    ['an N that is not a number', () => stored.replace('$32768$', '$abc$')],
    ['an N that is not a power of two', () => stored.replace('$32768$', '$3$')],
    ['an N of zero', () => stored.replace('$32768$', '$0$')],
    ['an N that asks for gigabytes of memory', () => stored.replace('$32768$', '$1073741824$')],
    ['an r of zero', () => stored.replace('$32768$8$', '$32768$0$')],
    ['a p that is not a whole number', () => stored.replace('$8$1$', '$8$1.5$')],
    ['a truncated key', () => stored.slice(0, -4)],
  ])('answers false, without throwing, for a malformed stored string: %s', async (_, malformed) => {
    await expect(sut.verify('correct horse battery staple', malformed())).resolves.toBe(false);
  });

  it('hashes on threads of its own: it finishes while every thread of libuv is held up', async () => {
    // Opening a FIFO for reading blocks until a writer comes: each open holds one libuv thread.
    const dir = mkdtempSync(join(tmpdir(), 'libuv-'));
    const fifos = Array.from({ length: Number(process.env.UV_THREADPOOL_SIZE) || 4 }, (_, i) => join(dir, `${i}`));
    execFileSync('mkfifo', fifos);
    const held = fifos.map((fifo) => open(fifo, 'r'));
    try {
      const outcome = await Promise.race([sut.hash('pw').then(() => 'hashed'), sleep(4000, 'still waiting')]);
      expect(outcome).toBe('hashed');
    } finally {
      fifos.forEach((fifo) => closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK)));
      await Promise.all(held.map(async (handle) => (await handle).close()));
      rmSync(dir, { recursive: true });
    }
  });

  it('refuses, with 503 temporarily_unavailable, a hash beyond QUEUE_PER_THREAD waiting per thread', async () => {
    // Cheap hashes (N=16): the queue fills at once, and what it took is done quickly.
    const salt = Buffer.alloc(16).toString('base64url');
    const cheap = `scrypt$16$8$1$${salt}$${scryptSync('pw', Buffer.alloc(16), 32, { N: 16, r: 8, p: 1 }).toString('base64url')}`;
    const taken = 1 + QUEUE_PER_THREAD; // one running on the one thread, the rest waiting
    const outcomes = await Promise.allSettled(Array.from({ length: taken + 3 }, () => sut.verify('pw', cheap)));

    expect(outcomes.slice(0, taken).every((o) => o.status === 'fulfilled' && o.value)).toBe(true);
    for (const outcome of outcomes.slice(taken)) {
      expect(outcome).toMatchObject({ status: 'rejected', reason: expect.any(TemporarilyUnavailableError) });
      expect((outcome as PromiseRejectedResult).reason.status).toBe(503);
    }
    await expect(sut.verify('pw', cheap)).resolves.toBe(true);
  });
});
