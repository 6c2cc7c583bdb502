import pino from 'pino';
import { Writable } from 'node:stream';
import { redactPaths, redactUrl } from './log-redaction';

describe('redactUrl', () => {
  it('keeps a path without a query as it is', () => {
    expect(redactUrl('/oauth/token')).toBe('/oauth/token');
  });

  it('keeps the values of harmless parameters and replaces every other value', () => {
    const sut = redactUrl(
      '/oauth/authorize?response_type=code&client_id=abc&scope=openid%20profile&state=s3cret&code_challenge=xyz&code_challenge_method=S256',
    );
    expect(sut).toBe(
      '/oauth/authorize?response_type=code&client_id=abc&scope=openid%20profile&state=[REDACTED]&code_challenge=[REDACTED]&code_challenge_method=S256',
    );
  });

  it('redacts the code and state of a redirect back to a client, keeping its address', () => {
    expect(redactUrl('https://partner.example/cb?tenant=a&code=c0de&state=st&iss=https%3A%2F%2Fid.example')).toBe(
      'https://partner.example/cb?tenant=[REDACTED]&code=[REDACTED]&state=[REDACTED]&iss=https%3A%2F%2Fid.example',
    );
  });

  it('redacts a return address whole, since it carries a whole authorization request', () => {
    expect(redactUrl('/login?return_to=%2Foauth%2Fauthorize%3Fstate%3Ds3cret')).toBe('/login?return_to=[REDACTED]');
  });

  it('redacts parameters it has never heard of, however they are spelt or repeated', () => {
    expect(redactUrl('/x?Code=1&code=2&code=3&client_secret=4&a%20b=5')).toBe(
      '/x?Code=[REDACTED]&code=[REDACTED]&code=[REDACTED]&client_secret=[REDACTED]&a%20b=[REDACTED]',
    );
  });

  it('drops a fragment, which may carry tokens', () => {
    expect(redactUrl('https://partner.example/cb#access_token=t0ken')).toBe('https://partner.example/cb');
    expect(redactUrl('/x?scope=a#access_token=t0ken')).toBe('/x?scope=a');
  });
});

describe('redactPaths', () => {
  it('censors credentials in objects passed to a log call, at the top and one level down', () => {
    const lines: string[] = [];
    const destination = new Writable({ write: (chunk: Buffer, _, done) => (lines.push(chunk.toString()), done()) });
    const sut = pino({ redact: { paths: redactPaths, censor: '[REDACTED]' } }, destination);
    sut.info({ password: 'p4ss', user: { id: 'u1', client_secret: 's3cret' }, body: { code: 'c0de' } }, 'hello');
    const line = JSON.parse(lines[0]);
    expect(line).toMatchObject({
      password: '[REDACTED]',
      user: { id: 'u1', client_secret: '[REDACTED]' },
      body: '[REDACTED]',
    });
  });
});
