import { ClientWithSecret } from '../src/clients/clients.service';
import { createTestApp, TestApp } from './helpers/create-test-app';
import { REDIRECT } from './helpers/issue-code';
import { authorize, authorizeUrl, pkcePair } from './helpers/oauth-client';
import * as oauth from './helpers/partner';

/** RFC 9700 §2.1.1: PKCE for every client of the code flow, unless a confidential client is registered without it. */
describe('PKCE for every client by default', () => {
  let t: TestApp;
  let user: Awaited<ReturnType<TestApp['createUser']>>;
  let adminToken: string;

  beforeAll(async () => {
    t = await createTestApp();
    user = await t.createUser();
    const admin = await t.createClient({
      name: 'Admin',
      redirect_uris: [],
      grant_types: ['client_credentials'],
      scope: 'admin',
    });
    adminToken = (await oauth.token(t.http(), admin, { grant_type: 'client_credentials' }).expect(200)).body
      .access_token;
  });
  afterAll(() => t.close());

  const adminApi = (method: 'post' | 'patch', path: string, body: object) =>
    t.http()[method](path).set('Authorization', `Bearer ${adminToken}`).send(body);

  const request = (client: ClientWithSecret, extra: Record<string, string> = {}) => ({
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: REDIRECT,
    scope: 'openid',
    state: 'st',
    ...extra,
  });

  function redeem(client: ClientWithSecret, code: string, verifier?: string) {
    return oauth.token(t.http(), client, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      ...(verifier && { code_verifier: verifier }),
    });
  }

  it('redirects a confidential client without a code_challenge back with invalid_request', async () => {
    const client = await t.createClient();
    const res = await t
      .browser()
      .get(authorizeUrl(request(client)))
      .expect(303);
    const location = new URL(res.headers.location);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('state')).toBe('st');
    expect(location.searchParams.get('code')).toBeNull();
  });

  it('gives a confidential client that sends a challenge a code it redeems with the verifier', async () => {
    const client = await t.createClient();
    const pkce = pkcePair();
    const location = await authorize(
      t.browser(),
      request(client, { code_challenge: pkce.challenge, code_challenge_method: 'S256' }),
      user,
    );
    await redeem(client, location.searchParams.get('code')!, pkce.verifier).expect(200);
  });

  it('lets a confidential client registered with require_pkce false through without PKCE', async () => {
    const client = await t.createClient({ require_pkce: false });
    expect(client.require_pkce).toBe(false);
    const location = await authorize(t.browser(), request(client), user);
    const code = location.searchParams.get('code');
    expect(code).toEqual(expect.any(String));
    await redeem(client, code!).expect(200);
  });

  it('requires PKCE of a client unless asked otherwise, and shows it in the admin API', async () => {
    const created = await adminApi('post', '/admin/clients', { name: 'Default', redirect_uris: [REDIRECT] }).expect(
      201,
    );
    expect(created.body.require_pkce).toBe(true);
    const id = created.body.client_id as string;
    const patched = await adminApi('patch', `/admin/clients/${id}`, { require_pkce: false }).expect(200);
    expect(patched.body.require_pkce).toBe(false);
  });

  it('never lets a public client opt out: invalid_client_metadata at creation and at a change', async () => {
    const refused = await adminApi('post', '/admin/clients', {
      name: 'Native',
      redirect_uris: [REDIRECT],
      token_endpoint_auth_method: 'none',
      require_pkce: false,
    });
    expect({ status: refused.status, error: refused.body.error }).toEqual({
      status: 400,
      error: 'invalid_client_metadata',
    });

    const pub = await adminApi('post', '/admin/clients', {
      name: 'Native',
      redirect_uris: [REDIRECT],
      token_endpoint_auth_method: 'none',
    }).expect(201);
    const optOut = await adminApi('patch', `/admin/clients/${pub.body.client_id}`, { require_pkce: false });
    expect({ status: optOut.status, error: optOut.body.error }).toEqual({
      status: 400,
      error: 'invalid_client_metadata',
    });

    const legacy = await adminApi('post', '/admin/clients', {
      name: 'Legacy',
      redirect_uris: [REDIRECT],
      require_pkce: false,
    }).expect(201);
    const demoted = await adminApi('patch', `/admin/clients/${legacy.body.client_id}`, {
      token_endpoint_auth_method: 'none',
    });
    expect({ status: demoted.status, error: demoted.body.error }).toEqual({
      status: 400,
      error: 'invalid_client_metadata',
    });
  });

  it('refuses a require_pkce that is not a boolean with invalid_client_metadata', async () => {
    const res = await adminApi('post', '/admin/clients', {
      name: 'Odd',
      redirect_uris: [REDIRECT],
      require_pkce: 'no',
    });
    expect({ status: res.status, error: res.body.error }).toEqual({ status: 400, error: 'invalid_client_metadata' });
  });
});
