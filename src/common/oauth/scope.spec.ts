import { formatScope, isSubset, parseScope } from './scope';

describe('parseScope', () => {
  it('reads an empty scope as no tokens', () => {
    expect(parseScope('')).toEqual([]);
  });

  it('splits on single spaces, keeping the order', () => {
    expect(parseScope('openid profile email')).toEqual(['openid', 'profile', 'email']);
  });

  it('drops repeated tokens', () => {
    expect(parseScope('openid profile openid')).toEqual(['openid', 'profile']);
  });

  it('accepts every character RFC 6749 §3.3 allows in a token', () => {
    expect(parseScope('urn:example:read https://api.example/write a!#$%&()*+,-./;<=>?@[]^_`{|}~')).toHaveLength(3);
  });

  it('keeps case, since scope tokens are case-sensitive', () => {
    expect(parseScope('Admin admin')).toEqual(['Admin', 'admin']);
  });

  it.each([
    ['two spaces between tokens', 'openid  profile'],
    ['a leading space', ' openid'],
    ['a trailing space', 'openid '],
    ['a single space', ' '],
    ['a tab as separator', 'openid\tprofile'],
    ['a newline', 'openid\nprofile'],
    ['a double quote', 'say"hi"'],
    ['a backslash', 'a\\b'],
    ['a non-ASCII character', 'profil€'],
    ['a control character', 'open\x01id'],
  ])('refuses %s', (_, scope) => {
    expect(parseScope(scope)).toBeNull();
  });
});

describe('formatScope', () => {
  it('joins tokens with single spaces, and parses back to the same tokens', () => {
    const tokens = ['openid', 'profile', 'email'];
    expect(formatScope(tokens)).toBe('openid profile email');
    expect(parseScope(formatScope(tokens))).toEqual(tokens);
  });

  it('formats no tokens as the empty string', () => {
    expect(formatScope(new Set<string>())).toBe('');
  });
});

describe('isSubset', () => {
  it('is true when every requested token is allowed', () => {
    expect(isSubset(['openid', 'email'], ['openid', 'profile', 'email'])).toBe(true);
  });

  it('is true for nothing requested', () => {
    expect(isSubset([], [])).toBe(true);
  });

  it('is false when one token is not allowed', () => {
    expect(isSubset(['openid', 'admin'], ['openid', 'profile'])).toBe(false);
  });

  it('compares case-sensitively', () => {
    expect(isSubset(['Admin'], ['admin'])).toBe(false);
  });
});
