import { AuthCodesService } from '../src/auth-codes/auth-codes.service';
import { ClientsService, ClientWithSecret } from '../src/clients/clients.service';
import { createTestApp, TestApp, uniqueName } from './helpers/create-test-app';
import { issueCode, REDIRECT } from './helpers/issue-code';
import * as oauth from './helpers/partner';

/**
 * An administrator's change to a client takes effect on the access tokens already issued to it:
 * they are judged by the client as it is now.
 */
describe('client changes take effect on the tokens already issued', () => {
  let t: TestApp;
  /** Administers the clients below; never changed itself. */
  let operatorToken: string;
  let userId: string;

  beforeAll(async () => {
    t = await createTestApp();
    const operator = await t.createClient({
      name: 'Operator',
      redirect_uris: [],
      grant_types: ['client_credentials'],
      scope: 'admin',
    });
    operatorToken = await clientToken(operator);
    userId = (await t.createUser()).id;
  });
  afterAll(() => t.close());

  const admin = (method: 'get' | 'post' | 'patch', path: string, token: string, body?: object) =>
    t.http()[method](path).set('Authorization', `Bearer ${token}`).send(body);
  const operate = (method: 'get' | 'post' | 'patch', path: string, body?: object) =>
    admin(method, path, operatorToken, body).expect((res) => expect(res.status).toBeLessThan(300));

  async function clientToken(client: ClientWithSecret, secret = client.client_secret!): Promise<string> {
    const res = await oauth
      .token(t.http(), client, { grant_type: 'client_credentials' }, { secret: secret })
      .expect(200);
    return res.body.access_token as string;
  }

  /** A user's access token for `client`, through a code (the code flow). */
  async function userToken(client: ClientWithSecret): Promise<string> {
    const res = await oauth
      .exchange(t.http(), client, await issueCode(t.app, client.client_id, userId, 'openid profile'))
      .expect(200);
    return res.body.access_token as string;
  }

  async function introspect(token: string, by: ClientWithSecret, secret = by.client_secret!) {
    const res = await oauth.introspect(t.http(), by, { token }, undefined, { secret: secret }).expect(200);
    return res.body as { active: boolean };
  }

  const userinfo = (token: string) => t.http().get('/oauth/userinfo').set('Authorization', `Bearer ${token}`);

  /** Tokens carry `iat` in whole seconds: a change counts against those of an earlier second. */
  const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1005 - (Date.now() % 1000)));

  const adminRobot = (scope = 'admin') =>
    t.createClient({ name: 'Robot', redirect_uris: [], grant_types: ['client_credentials'], scope });
  const partner = () =>
    t.createClient({
      name: 'Partner',
      redirect_uris: [REDIRECT],
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      scope: 'openid profile',
    });

  it('refuses a token issued before a secret rotation at the admin API and at introspection', async () => {
    const robot = await adminRobot();
    const before = await clientToken(robot);
    await admin('get', '/admin/clients', before).expect(200);
    await nextSecond();
    const { client_secret: newSecret } = (await operate('post', `/admin/clients/${robot.client_id}/secret`)).body;

    const refused = await admin('get', '/admin/clients', before).expect(401);
    expect(refused.body.error).toBe('invalid_token');
    expect(await introspect(before, robot, newSecret)).toEqual({ active: false });
  });

  it('accepts a token obtained with the new secret right after a rotation', async () => {
    const robot = await adminRobot();
    const { client_secret: newSecret } = (await operate('post', `/admin/clients/${robot.client_id}/secret`)).body;
    const after = await clientToken(robot, newSecret);
    await admin('get', '/admin/clients', after).expect(200);
    expect(await introspect(after, robot, newSecret)).toMatchObject({ active: true, client_id: robot.client_id });
  });

  it('refuses an admin token once admin is removed from its client’s scope: 401, and no client is created', async () => {
    const robot = await adminRobot('admin api');
    const token = await clientToken(robot);
    await admin('get', '/admin/clients', token).expect(200);
    await operate('patch', `/admin/clients/${robot.client_id}`, { scope: 'api' });

    const refused = await admin('get', '/admin/clients', token).expect(401);
    expect(refused.body.error).toBe('invalid_token');
    const name = uniqueName('planted');
    const created = await admin('post', '/admin/clients', token, {
      name,
      grant_types: ['client_credentials'],
      scope: 'admin',
    });
    expect(created.status).toBe(401);
    expect((await operate('get', `/admin/clients?q=${name}`)).body.total).toBe(0);
    expect(await introspect(token, robot)).toEqual({ active: false });
  });

  it('refuses a token carrying a scope the client no longer has, even when it also carries others it still has', async () => {
    const client = await partner();
    const token = await userToken(client);
    await userinfo(token).expect(200);
    await operate('patch', `/admin/clients/${client.client_id}`, { scope: 'openid' });
    expect((await userinfo(token).expect(401)).body.error).toBe('invalid_token');
  });

  it('keeps a token whose scope, grant type and credentials are untouched by a change', async () => {
    const client = await partner();
    const token = await userToken(client);
    await nextSecond();
    await operate('patch', `/admin/clients/${client.client_id}`, {
      name: 'Renamed partner',
      scope: 'openid profile email',
    });
    await userinfo(token).expect(200);
    expect(await introspect(token, client)).toMatchObject({ active: true });
  });

  it('refuses a client_credentials token once the client may no longer use that grant', async () => {
    const robot = await adminRobot();
    const token = await clientToken(robot);
    await admin('get', '/admin/clients', token).expect(200);
    await operate('patch', `/admin/clients/${robot.client_id}`, {
      grant_types: ['authorization_code'],
      redirect_uris: [REDIRECT],
    });
    expect((await admin('get', '/admin/clients', token).expect(401)).body.error).toBe('invalid_token');
  });

  it('refuses a user’s token once the client may no longer use the code flow, and keeps its own', async () => {
    const client = await partner();
    const users = await userToken(client);
    const own = await clientToken(client);
    await userinfo(users).expect(200);
    await operate('patch', `/admin/clients/${client.client_id}`, { grant_types: ['client_credentials'] });
    expect((await userinfo(users).expect(401)).body.error).toBe('invalid_token');
    expect(await introspect(users, client)).toEqual({ active: false });
    expect(await introspect(own, client)).toMatchObject({ active: true });
  });

  it('refuses a token issued before the client was made public', async () => {
    const client = await t.createClient({
      name: 'Demoted',
      redirect_uris: [REDIRECT],
      grant_types: ['authorization_code', 'refresh_token'],
      scope: 'openid profile',
    });
    const token = await userToken(client);
    await userinfo(token).expect(200);
    await nextSecond();
    await operate('patch', `/admin/clients/${client.client_id}`, { token_endpoint_auth_method: 'none' });
    expect((await userinfo(token).expect(401)).body.error).toBe('invalid_token');
  });

  it('refuses, once the client is made public, the refresh tokens it was given as a confidential client', async () => {
    const client = await t.createClient({
      name: 'Demoted',
      redirect_uris: [REDIRECT],
      grant_types: ['authorization_code', 'refresh_token'],
      scope: 'openid profile',
    });
    const issued = await oauth
      .exchange(t.http(), client, await issueCode(t.app, client.client_id, userId, 'openid profile'))
      .expect(200);
    await operate('patch', `/admin/clients/${client.client_id}`, { token_endpoint_auth_method: 'none' });

    const refused = await oauth
      .token(t.http(), null, {
        grant_type: 'refresh_token',
        refresh_token: issued.body.refresh_token,
        client_id: client.client_id,
      })
      .expect(400);
    expect(refused.body.error).toBe('invalid_grant');
  });

  it('refuses, once the client is made public, a code it was given without a PKCE challenge', async () => {
    const client = await t.createClient({
      name: 'Legacy',
      redirect_uris: [REDIRECT],
      grant_types: ['authorization_code'],
      scope: 'openid profile',
      require_pkce: false,
    });
    const code = await t.app.get(AuthCodesService).issue(
      {
        client: (await t.app.get(ClientsService).findById(client.client_id))!,
        redirectUri: REDIRECT,
        redirectUriSent: true,
        scope: ['openid'],
        prompt: new Set(),
      },
      { id: userId, authTime: Math.floor(Date.now() / 1000) },
      '127.0.0.1',
    );
    await operate('patch', `/admin/clients/${client.client_id}`, {
      token_endpoint_auth_method: 'none',
      require_pkce: true,
    });

    const refused = await oauth
      .token(t.http(), null, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT,
        client_id: client.client_id,
      })
      .expect(400);
    expect(refused.body.error).toBe('invalid_grant');
  });
});
