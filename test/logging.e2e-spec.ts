import { Writable } from 'node:stream';
import type { Response } from 'supertest';
import { ClientWithSecret } from '../src/clients/clients.service';
import { createTestApp, TestApp } from './helpers/create-test-app';
import { authorizeUrl, basicAuth, hiddenFields, pkcePair } from './helpers/oauth-client';
import * as oauth from './helpers/partner';

const REDIRECT = 'https://partner.example/callback';

interface LogLine {
  level: number;
  msg: string;
  reqId?: string;
  context?: string;
  req?: { method: string; url: string; ip: string };
  res?: { statusCode: number; location?: string };
}

/** Every value of the `sid` cookies a response sets. */
function sessionCookies(res: Response): string[] {
  return ([] as string[])
    .concat(res.headers['set-cookie'] ?? [])
    .filter((line) => line.startsWith('sid='))
    .map((line) => line.split(';')[0].slice('sid='.length));
}

describe('logging', () => {
  let t: TestApp;
  /** Each line the app logged, as written. */
  const written: string[] = [];
  /** Every credential the flow below handles; none may appear in any log line. */
  const secrets = new Map<string, string>();
  const keep = (name: string, value: string | undefined) => {
    if (!value) throw new Error(`the flow produced no ${name}`);
    secrets.set(name, value);
    return value;
  };
  let lines: LogLine[];
  let requestIds: { sent: string; echoed: string }[];

  beforeAll(async () => {
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        written.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        callback();
      },
    });
    // The most verbose level: every line the provider could ever write is examined.
    t = await createTestApp({ LOG_LEVEL: 'trace' }, { logDestination: destination });

    const password = keep('password', 'correct horse battery staple 7f3a');
    const user = await t.createUser({ password });
    // The partner sends its secret in the body, the admin console in an Authorization header.
    const client: ClientWithSecret = await t.createClient({
      redirect_uris: [REDIRECT],
      grant_types: ['authorization_code', 'refresh_token'],
      scope: 'openid profile email',
      token_endpoint_auth_method: 'client_secret_post',
    });
    keep('client secret', client.client_secret);
    const admin = await t.createClient({
      name: 'Admin console',
      redirect_uris: [],
      grant_types: ['client_credentials'],
      scope: 'admin',
    });
    keep('admin client secret', admin.client_secret);
    keep('admin Authorization header', basicAuth(admin.client_id, admin.client_secret!));

    // A failed login, with a password that is wrong but still a secret.
    const failing = t.browser();
    const failingPage = await failing.get('/login').expect(200);
    await failing
      .post('/login')
      .type('form')
      .send({
        ...hiddenFields(failingPage.text),
        username: user.username,
        password: keep('wrong password', 'Tr0ub4dor&3 wrong'),
      })
      .expect(401);

    // Authorization request, login, consent.
    const browser = t.browser();
    const pkce = pkcePair();
    keep('code_verifier', pkce.verifier);
    keep('code_challenge', pkce.challenge);
    const state = keep('state', 'state-9c1e5b7d2a');
    const nonce = keep('nonce', 'nonce-4b8f0d2c6e');
    const authorize = authorizeUrl({
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: REDIRECT,
      scope: 'openid profile email',
      state,
      nonce,
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
    });
    const toLogin = await browser.get(authorize).expect(303);
    const loginPage = await browser.get(toLogin.headers.location).expect(200);
    const loginForm = hiddenFields(loginPage.text);
    keep('login CSRF token', loginForm._csrf);
    const login = await browser
      .post('/login')
      .type('form')
      .send({ ...loginForm, username: user.username, password })
      .expect(303);
    sessionCookies(login).forEach((sid, i) => keep(`session cookie ${i}`, sid));
    const consentPage = await browser.get(login.headers.location).expect(200);
    const consentForm = hiddenFields(consentPage.text);
    keep('consent CSRF token', consentForm._csrf);
    const consent = await browser
      .post('/oauth/authorize')
      .type('form')
      .send({ ...consentForm, decision: 'allow' })
      .expect(303);
    const code = keep('code', new URL(consent.headers.location).searchParams.get('code') ?? undefined);

    // Code exchange, with a request id of our own.
    const exchange = await oauth
      .exchange(t.http(), client, { code, verifier: pkce.verifier })
      .set('X-Request-Id', 'partner-trace-0001')
      .expect(200);
    requestIds = [{ sent: 'partner-trace-0001', echoed: exchange.headers['x-request-id'] }];
    keep('access token', exchange.body.access_token);
    keep('refresh token', exchange.body.refresh_token);
    keep('ID token', exchange.body.id_token);
    const refreshed = await oauth.refresh(t.http(), client, exchange.body.refresh_token).expect(200);
    keep('refreshed access token', refreshed.body.access_token);
    keep('rotated refresh token', refreshed.body.refresh_token);

    await t
      .http()
      .get('/oauth/userinfo')
      .set('Authorization', keep('bearer header', `Bearer ${refreshed.body.access_token}`))
      .expect(200);
    await oauth.introspect(t.http(), client, refreshed.body.access_token).expect(200);
    await oauth.revoke(t.http(), client, refreshed.body.refresh_token, 'refresh_token').expect(200);
    // The code again, and a wrong secret: refused, and the exception filter logs why.
    await oauth.exchange(t.http(), client, { code, verifier: pkce.verifier }).expect(400);
    await oauth
      .refresh(t.http(), client, 'x', {}, { secret: keep('wrong client secret', 'not-the-secret-5e2c9a') })
      .expect(401);

    // The admin API: a token, a new client (whose secret is in the answer), a listing.
    const adminToken = keep(
      'admin access token',
      (await oauth.token(t.http(), admin, { grant_type: 'client_credentials' }).expect(200)).body.access_token,
    );
    const created = await t
      .http()
      .post('/admin/clients')
      .set('Authorization', `Bearer ${adminToken}`)
      .send({
        name: 'Shop',
        redirect_uris: ['https://shop.example/cb'],
        grant_types: ['authorization_code'],
        scope: 'openid',
      })
      .expect(201);
    keep('created client secret', created.body.client_secret);
    await t.http().get('/admin/clients?limit=5').set('Authorization', `Bearer ${adminToken}`).expect(200);

    // A request id that is not a short safe token is not taken over.
    const unsafe = await t
      .http()
      .get('/health')
      .set('X-Request-Id', `${'x'.repeat(100)}"}`);
    requestIds.push({ sent: `${'x'.repeat(100)}"}`, echoed: unsafe.headers['x-request-id'] });

    // A request line is written when the response has been sent: let the last ones land.
    await new Promise((resolve) => setTimeout(resolve, 50));
    lines = written.map((line) => JSON.parse(line) as LogLine);
  });
  afterAll(() => t.close());

  const requestLines = () => lines.filter((line) => line.req);

  it('writes every line as one JSON object', () => {
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines)
      expect(line).toEqual(
        expect.objectContaining({ level: expect.any(Number), time: expect.any(Number), msg: expect.any(String) }),
      );
  });

  it('writes one line per request, each with a request id', () => {
    // The 18 requests above, each answered once.
    expect(requestLines()).toHaveLength(18);
    for (const line of requestLines()) {
      expect(line.reqId).toEqual(expect.any(String));
      expect(line.req).toEqual({ method: expect.any(String), url: expect.stringMatching(/^\//), ip: '127.0.0.1' });
      expect(line.res?.statusCode).toEqual(expect.any(Number));
    }
    expect(new Set(requestLines().map((line) => line.reqId)).size).toBe(18);
  });

  it('keeps a short safe X-Request-Id, replaces any other, and sends the id back', () => {
    const [kept, replaced] = requestIds;
    expect(kept.echoed).toBe(kept.sent);
    expect(requestLines().find((line) => line.req?.url === '/oauth/token' && line.reqId === kept.sent)).toBeDefined();
    expect(replaced.echoed).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestLines().find((line) => line.req?.url === '/health')?.reqId).toBe(replaced.echoed);
  });

  it('logs Nest’s own log calls through pino, with the id of the request they belong to', () => {
    const refusals = lines.filter((line) => line.context === 'OAuthExceptionFilter');
    expect(refusals.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['invalid_grant: code replayed', 'invalid_client: wrong secret']),
    );
    const requestIdsLogged = new Set(requestLines().map((line) => line.reqId));
    for (const line of refusals) expect(requestIdsLogged).toContain(line.reqId);
  });

  it('shows the parts of URLs that are not secret, and redacts the rest', () => {
    const authorize = requestLines().find((line) => line.req?.url.startsWith('/oauth/authorize?'))!;
    expect(authorize.req!.url).toContain('response_type=code&client_id=');
    expect(authorize.req!.url).toContain('state=[REDACTED]');
    expect(authorize.req!.url).toContain('code_challenge=[REDACTED]&code_challenge_method=S256');
    const redirect = requestLines().find((line) => line.res?.location?.startsWith(REDIRECT))!;
    expect(redirect.res!.location).toBe(
      `${REDIRECT}?code=[REDACTED]&state=[REDACTED]&iss=http%3A%2F%2Flocalhost%3A3000`,
    );
  });

  it('never writes a password, secret, code, token, verifier, CSRF token or cookie', () => {
    expect(secrets.size).toBeGreaterThanOrEqual(20);
    const everything = written.join('\n');
    // As sent, URL-encoded, or escaped inside a JSON string.
    const forms = (value: string) => [value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)];
    const leaked = [...secrets]
      .filter(([, value]) => forms(value).some((form) => everything.includes(form)))
      .map(([name]) => name);
    expect(leaked).toEqual([]);
  });
});
