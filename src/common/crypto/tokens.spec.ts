import { randomToken, safeEqual, sha256 } from './tokens';

describe('randomToken', () => {
  it('answers 256 bits by default, base64url-encoded', () => {
    expect(randomToken()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(randomToken(16), 'base64url')).toHaveLength(16);
  });

  it('never hands out the same bytes twice, across many refills of its pool', () => {
    const tokens = Array.from({ length: 1000 }, (_, i) => randomToken(i % 2 ? 32 : 17));
    expect(new Set(tokens).size).toBe(tokens.length);
    // No token shares an 8-byte run with another: slices of the pool do not overlap.
    const runs = tokens.flatMap((token) => Buffer.from(token, 'base64url').toString('hex').match(/.{16}/g)!);
    expect(new Set(runs).size).toBe(runs.length);
  });

  it('answers values longer than its pool', () => {
    const long = Buffer.from(randomToken(5000), 'base64url');
    expect(long).toHaveLength(5000);
    expect(long.subarray(4096).some((byte) => byte !== 0)).toBe(true);
  });
});

describe('sha256 and safeEqual', () => {
  it('hash to lowercase hex and compare by value', () => {
    expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(safeEqual('same', 'same')).toBe(true);
    expect(safeEqual('same', 'Same')).toBe(false);
    expect(safeEqual('same', 'same!')).toBe(false);
  });
});
