import { redirectUriMatches, redirectUriProblem } from './redirect-uri';

describe('redirectUriProblem', () => {
  it.each([
    ['an https URI', 'https://partner.example/callback'],
    ['an https URI with a port and a query', 'https://partner.example:8443/cb?tenant=a'],
    ['http on 127.0.0.1', 'http://127.0.0.1/cb'],
    ['http on 127.0.0.1 with a port', 'http://127.0.0.1:8080/cb'],
    ['http on [::1]', 'http://[::1]:8080/cb'],
    ['http on localhost', 'http://localhost:3000/callback'],
    ['a reverse-domain private-use scheme', 'com.example.app:/cb'],
    ['a reverse-domain private-use scheme with an authority', 'com.example.app://cb'],
  ])('accepts %s', (_, uri) => {
    expect(redirectUriProblem(uri)).toBeNull();
  });

  it.each([
    ['a wildcard in the host', 'https://*.partner.example/cb', /wildcard/],
    ['a wildcard in the path', 'https://partner.example/*', /wildcard/],
    ['a fragment', 'https://partner.example/cb#frag', /fragment/],
    ['an empty fragment', 'https://partner.example/cb#', /fragment/],
    ['javascript:', 'javascript:alert(1)', /javascript: scheme/],
    ['JavaScript: in mixed case', 'JavaScript:alert(1)', /javascript: scheme/],
    ['data:', 'data:text/html,<script>alert(1)</script>', /data: scheme/],
    ['file:', 'file:///etc/passwd', /file: scheme/],
    ['http on a host other than loopback', 'http://evil.example/cb', /http with a host other than a loopback/],
    ['http on a host that only starts like localhost', 'http://localhost.evil.example/cb', /loopback/],
    ['http on a host that only starts like 127.0.0.1', 'http://127.0.0.1.evil.example/cb', /loopback/],
    ['a relative URI', '/callback', /not an absolute URI/],
    ['an empty string', '', /not an absolute URI/],
    ['user information', 'https://user:pass@partner.example/cb', /user information/],
    ['user information that hides the real host', 'http://127.0.0.1@evil.example/cb', /user information/],
    ['a space', 'https://partner.example/call back', /spaces/],
    ['a leading space', ' https://partner.example/cb', /spaces/],
    ['a newline', 'https://partner.example/cb\nX: y', /control/],
    ['a tab', 'https://partner.example/\tcb', /control/],
    ['a NUL', 'https://partner.example/cb\0', /control/],
    ['non-ASCII characters', 'https://partnér.example/cb', /non-ASCII/],
    ['a backslash', 'https://partner.example\\@evil.example/cb', /control|spaces|non-ASCII/],
    ['a custom scheme not in reverse-domain form', 'myapp:/cb', /reverse-domain/],
    ['a URI longer than 2000 characters', `https://partner.example/${'a'.repeat(2000)}`, /too long/],
  ])('refuses %s', (_, uri, problem) => {
    expect(redirectUriProblem(uri)).toMatch(problem);
  });
});

describe('redirectUriMatches', () => {
  it('matches the registered URI exactly', () => {
    expect(redirectUriMatches('https://partner.example/cb', 'https://partner.example/cb')).toBe(true);
  });

  it.each([
    ['another path', 'https://partner.example/cb2'],
    ['an extra path segment', 'https://partner.example/cb/x'],
    ['a trailing slash', 'https://partner.example/cb/'],
    ['an added query', 'https://partner.example/cb?a=1'],
    ['a fragment', 'https://partner.example/cb#x'],
    ['another host', 'https://evil.example/cb'],
    ['a host in another case', 'https://Partner.example/cb'],
    ['another port', 'https://partner.example:8443/cb'],
    ['http instead of https', 'http://partner.example/cb'],
  ])('does not match %s', (_, candidate) => {
    expect(redirectUriMatches('https://partner.example/cb', candidate)).toBe(false);
  });

  it.each([
    ['127.0.0.1 without a registered port', 'http://127.0.0.1/cb', 'http://127.0.0.1:51234/cb'],
    ['127.0.0.1 with another port', 'http://127.0.0.1:8080/cb', 'http://127.0.0.1:51234/cb'],
    ['127.0.0.1 with the port left out', 'http://127.0.0.1:8080/cb', 'http://127.0.0.1/cb'],
    ['[::1] with another port', 'http://[::1]:8080/cb', 'http://[::1]:51234/cb'],
    ['a loopback URI with a query', 'http://127.0.0.1/cb?x=1', 'http://127.0.0.1:51234/cb?x=1'],
    ['a loopback URI without a path', 'http://127.0.0.1', 'http://127.0.0.1:51234'],
  ])('lets a loopback URI differ in port only: %s', (_, registered, candidate) => {
    expect(redirectUriMatches(registered, candidate)).toBe(true);
  });

  it.each([
    ['another path', 'http://127.0.0.1/cb', 'http://127.0.0.1:51234/other'],
    ['an added query', 'http://127.0.0.1/cb', 'http://127.0.0.1:51234/cb?x=1'],
    ['another query', 'http://127.0.0.1/cb?x=1', 'http://127.0.0.1:51234/cb?x=2'],
    ['a fragment', 'http://127.0.0.1/cb', 'http://127.0.0.1:51234/cb#x'],
    ['the other loopback address', 'http://127.0.0.1:8080/cb', 'http://[::1]:8080/cb'],
    ['another host', 'http://127.0.0.1/cb', 'http://evil.example:51234/cb'],
    ['https instead of http', 'http://127.0.0.1/cb', 'https://127.0.0.1:51234/cb'],
    ['user information', 'http://127.0.0.1/cb', 'http://127.0.0.1@evil.example/cb'],
    ['a port beyond 65535', 'http://127.0.0.1/cb', 'http://127.0.0.1:99999/cb'],
  ])('does not let a loopback URI differ in anything but the port: %s', (_, registered, candidate) => {
    expect(redirectUriMatches(registered, candidate)).toBe(false);
  });

  it('requires localhost, a name rather than a loopback address, to match exactly', () => {
    expect(redirectUriMatches('http://localhost:3000/cb', 'http://localhost:4000/cb')).toBe(false);
  });
});
