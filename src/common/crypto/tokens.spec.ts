import { randomToken, safeEqual, sha256, timeOrderedToken, timeOrderedUuid, tokenDigest } from './tokens';

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

describe('timeOrderedToken and tokenDigest', () => {
  const MADE = Date.UTC(2026, 11, 6, 12, 0, 0, 123);

  it('makes 51 characters: the time in milliseconds, then 256 random bits', () => {
    const token = timeOrderedToken(MADE);
    expect(token).toMatch(/^[A-Za-z0-9_-]{51}$/);
    const bytes = Buffer.from(token, 'base64url');
    expect(bytes).toHaveLength(38);
    expect(bytes.readUIntBE(0, 6)).toBe(MADE);
    expect(timeOrderedToken(MADE)).not.toBe(token);
  });

  it('digests to 64 hex digits: the time, then the first 208 bits of the SHA-256', () => {
    const token = timeOrderedToken(MADE);
    const digest = tokenDigest(token);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(digest.slice(0, 12)).toBe(MADE.toString(16).padStart(12, '0'));
    expect(digest.slice(12)).toBe(sha256(token).slice(0, 52));
  });

  it('orders digests as the tokens were made, whatever their random bits', () => {
    const digests = [0, 1, 2, 1000, 86_400_000].map((later) => tokenDigest(timeOrderedToken(MADE + later)));
    expect([...digests].sort()).toEqual(digests);
  });

  it('digests a token of the earlier form (43 characters) as its whole SHA-256, so it is still found', () => {
    const earlier = randomToken(32);
    expect(tokenDigest(earlier)).toBe(sha256(earlier));
    // Whatever is presented: a guess of the time-ordered length is just another digest.
    expect(tokenDigest('x'.repeat(51))).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('timeOrderedUuid', () => {
  it('makes an RFC 9562 version 7 UUID that begins with its time and sorts by it', () => {
    const made = Date.UTC(2026, 11, 6);
    const id = timeOrderedUuid(made);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(made);
    expect(timeOrderedUuid(made)).not.toBe(id);
    const ids = [0, 1, 60_000].map((later) => timeOrderedUuid(made + later));
    expect([...ids].sort()).toEqual(ids);
  });
});
