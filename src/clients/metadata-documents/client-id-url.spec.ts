import { clientIdUrlHost, clientIdUrlProblem, isClientIdUrl } from './client-id-url';

describe('client_id URLs', () => {
  it('tells a URL from a registered client id', () => {
    expect(isClientIdUrl('https://app.example/client.json')).toBe(true);
    expect(isClientIdUrl('http://127.0.0.1:8080/c')).toBe(true);
    expect(isClientIdUrl('Yx3kq9mP0aB1cD2eF3gH4i')).toBe(false);
  });

  it('names the host, port included, of a URL and nothing for a registered id', () => {
    expect(clientIdUrlHost('https://claude.ai/oauth/client.json')).toBe('claude.ai');
    expect(clientIdUrlHost('http://127.0.0.1:8080/c')).toBe('127.0.0.1:8080');
    expect(clientIdUrlHost('Yx3kq9mP0aB1cD2eF3gH4i')).toBeUndefined();
  });

  it.each(['https://app.example/client.json', 'https://app.example:8443/a/b?v=1'])('accepts %s', (url) => {
    expect(clientIdUrlProblem(url, false)).toBeNull();
  });

  it.each([
    ['http://app.example/client.json', 'must use https'],
    ['http://127.0.0.1/client.json', 'must use https'],
    ['ftp://app.example/client.json', 'must use https'],
    ['https://app.example/', 'must have a path'],
    ['https://app.example', 'must have a path'],
    ['https://user:pw@app.example/c', 'must not contain user information'],
    ['https://app.example/c#frag', 'must not contain a fragment'],
    ['https://app.example/a/../c', 'must not contain . or .. path segments'],
    ['https://app.example/a/%2e/c', 'must not contain . or .. path segments'],
    ['https://APP.example/c', 'normal form'],
    ['https://app.example:443/c', 'normal form'],
    [`https://app.example/${'x'.repeat(250)}`, 'is longer than 255 characters'],
  ])('refuses %s', (url, problem) => {
    expect(clientIdUrlProblem(url, false)).toContain(problem);
  });

  it('allows http to loopback hosts only when loopback is allowed', () => {
    for (const url of ['http://127.0.0.1:8080/c', 'http://[::1]:8080/c', 'http://localhost:8080/c']) {
      expect(clientIdUrlProblem(url, true)).toBeNull();
      expect(clientIdUrlProblem(url, false)).toBe('must use https');
    }
    expect(clientIdUrlProblem('http://app.example/c', true)).toBe('must use https');
    expect(clientIdUrlProblem('http://127.0.0.2/c', true)).toBe('must use https');
  });
});
