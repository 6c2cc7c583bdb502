import { usernameKey } from './username-key';

describe('usernameKey', () => {
  it.each([
    ['case', 'Alice', 'alice'],
    ['accents', 'Alicé', 'alice'],
    ['composed and decomposed accents', 'Alic\u00e9', 'Alice\u0301'],
    ['surrounding and trailing spaces', ' alice  ', 'alice'],
    ['invisible characters', 'ali\u200bce\u0000', 'alice'],
    ['compatibility forms', 'ａｌｉｃｅ', 'alice'],
    ['sharp s', 'straße', 'STRASSE'],
  ])('counts spellings that differ only in %s under one key', (_, a, b) => {
    expect(usernameKey(a)).toBe(usernameKey(b));
  });

  it('keeps different usernames apart', () => {
    expect(usernameKey('alice')).not.toBe(usernameKey('alicia'));
  });

  it('never contains the username', () => {
    expect(usernameKey('correct horse battery staple')).toMatch(/^[0-9a-f]{64}$/);
  });
});
