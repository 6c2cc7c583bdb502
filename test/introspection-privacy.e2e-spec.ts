import { ClientWithSecret } from '../src/clients/clients.service';
import { createTestApp, TestApp } from './helpers/create-test-app';
import { issueCode, REDIRECT } from './helpers/issue-code';
import * as oauth from './helpers/partner';

/** RFC 7662 §2.2: who learns what about a token. */
describe('introspection tells a client only what it may know', () => {
  let t: TestApp;
  let partner: ClientWithSecret;
  let stranger: ClientWithSecret;
  let api: ClientWithSecret;
  let tokens: { access_token: string; refresh_token: string };
  let userId: string;

  beforeAll(async () => {
    t = await createTestApp();
    const codeFlow = { redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'] };
    partner = await t.createClient({ name: 'Partner', ...codeFlow, scope: 'openid profile' });
    stranger = await t.createClient({ name: 'Stranger', ...codeFlow, scope: 'openid profile' });
    api = await t.createClient({
      name: 'API',
      redirect_uris: [],
      grant_types: ['client_credentials'],
      scope: '',
      resource_server: true,
    });
    userId = (await t.createUser()).id;
    tokens = (
      await oauth
        .exchange(t.http(), partner, await issueCode(t.app, partner.client_id, userId, 'openid profile'))
        .expect(200)
    ).body;
  });
  afterAll(() => t.close());

  async function introspect(by: ClientWithSecret, token: string, hint?: string) {
    const res = await oauth
      .asClient(oauth.introspectionRequest(t.http()), by, hint ? { token, token_type_hint: hint } : { token })
      .expect(200);
    return res.body as Record<string, unknown>;
  }

  it('answers another confidential client only {"active": false} for a partner’s access token', async () => {
    expect(await introspect(stranger, tokens.access_token)).toEqual({ active: false });
    expect(await introspect(stranger, tokens.access_token, 'access_token')).toEqual({ active: false });
  });

  it('describes the access token to the client it was issued to', async () => {
    expect(await introspect(partner, tokens.access_token)).toMatchObject({
      active: true,
      client_id: partner.client_id,
      sub: userId,
      scope: 'openid profile',
    });
  });

  it('describes the access token to a client registered as a resource server', async () => {
    expect(await introspect(api, tokens.access_token)).toMatchObject({
      active: true,
      client_id: partner.client_id,
      sub: userId,
      scope: 'openid profile',
    });
  });

  it('describes a refresh token to its own client only, not to a resource server nor to another client', async () => {
    expect(await introspect(partner, tokens.refresh_token, 'refresh_token')).toMatchObject({ active: true });
    expect(await introspect(api, tokens.refresh_token, 'refresh_token')).toEqual({ active: false });
    expect(await introspect(stranger, tokens.refresh_token, 'refresh_token')).toEqual({ active: false });
  });

  describe('the resource_server flag in the admin API', () => {
    let adminToken: string;
    beforeAll(async () => {
      const admin = await t.createClient({
        name: 'Admin',
        redirect_uris: [],
        grant_types: ['client_credentials'],
        scope: 'admin',
      });
      adminToken = (await oauth.token(t.http(), admin, { grant_type: 'client_credentials' }).expect(200)).body
        .access_token;
    });
    const adminApi = (method: 'post' | 'patch', path: string, body: object) =>
      t.http()[method](path).set('Authorization', `Bearer ${adminToken}`).send(body);

    it('is false unless asked for, and can be set and cleared', async () => {
      const created = await adminApi('post', '/admin/clients', { name: 'Plain', redirect_uris: [REDIRECT] }).expect(
        201,
      );
      expect(created.body.resource_server).toBe(false);
      const id = created.body.client_id as string;
      expect(
        (await adminApi('patch', `/admin/clients/${id}`, { resource_server: true }).expect(200)).body.resource_server,
      ).toBe(true);
      expect(
        (await adminApi('patch', `/admin/clients/${id}`, { resource_server: false }).expect(200)).body.resource_server,
      ).toBe(false);
    });

    it('refuses a value that is not a boolean with invalid_client_metadata', async () => {
      const res = await adminApi('post', '/admin/clients', {
        name: 'Odd',
        redirect_uris: [REDIRECT],
        resource_server: 'yes',
      });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_client_metadata');
    });
  });
});
