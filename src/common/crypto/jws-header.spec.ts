import { jwsHeader } from './jws-header';

const part = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

describe('jwsHeader', () => {
  it('reads kid and typ of a compact JWS', () => {
    expect(jwsHeader(`${part({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' })}.${part({})}.sig`)).toEqual({
      kid: 'k1',
      typ: 'at+jwt',
    });
  });

  it('does not look at the payload, even one that is not JSON', () => {
    expect(jwsHeader(`${part({ typ: 'JWT', kid: 'k1' })}.${part('{"iss": (')}.sig`)).toEqual({ kid: 'k1', typ: 'JWT' });
  });

  it('drops members that are not strings', () => {
    expect(jwsHeader(`${part({ kid: { $ne: null }, typ: ['at+jwt'] })}.${part({})}.sig`)).toEqual({
      kid: undefined,
      typ: undefined,
    });
  });

  it.each([
    ['too few parts', 'a.b'],
    ['too many parts', 'a.b.c.d'],
    ['a header that is not JSON', `${part('not json')}.${part({})}.sig`],
    ['a header that is JSON null', `${part(null)}.${part({})}.sig`],
    ['a header that is a string', `${part('"x"')}.${part({})}.sig`],
    ['an empty string', ''],
  ])('is null for %s', (_, token) => {
    expect(jwsHeader(token)).toBeNull();
  });
});
