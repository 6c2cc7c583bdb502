import { scryptSync } from 'node:crypto';
import { PasswordHasher } from './password-hasher';

describe('PasswordHasher', () => {
  const sut = PasswordHasher;
  let stored: string;

  beforeAll(async () => {
    stored = await sut.hash('correct horse battery staple');
  });

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
});
