import { decodeJwt } from 'jose';
import { UserAccountsService } from '../src/accounts/user-accounts.service';
import { ApisService } from '../src/apis/apis.service';
import { AuditService } from '../src/audit/audit.service';
import { ClientsService, ClientWithSecret } from '../src/clients/clients.service';
import { KeysService } from '../src/keys/keys.service';
import { RECENT_SIGN_IN_SECONDS } from '../src/console/recent-sign-in.service';
import { ageSignIn, consoleBrowser, consolePages, shownSecret, submitForm, testApiId } from './helpers/console';
import { createTestApp, TEST_API, TestApp, uniqueName } from './helpers/create-test-app';
import { privateDatabase } from './helpers/database-state';
import { hiddenFields } from './helpers/oauth-client';
import { issueCode } from './helpers/issue-code';
import * as oauth from './helpers/partner';

type User = Awaited<ReturnType<TestApp['createUser']>>;

/** Every console form's action: the page the form is on, and where it posts. */
const forms = (clientId: string, userId: string, apiId: string): [string, string][] => [
  ['/console/clients/new', '/console/clients'],
  [`/console/clients/${clientId}`, `/console/clients/${clientId}`],
  [`/console/clients/${clientId}`, `/console/clients/${clientId}/secret`],
  [`/console/clients/${clientId}/delete`, `/console/clients/${clientId}/delete`],
  ['/console/apis/new', '/console/apis'],
  [`/console/apis/${apiId}`, `/console/apis/${apiId}`],
  [`/console/apis/${apiId}/delete`, `/console/apis/${apiId}/delete`],
  ['/console/users/new', '/console/users'],
  [`/console/users/${userId}`, `/console/users/${userId}`],
  [`/console/users/${userId}`, `/console/users/${userId}/password`],
  [`/console/users/${userId}`, `/console/users/${userId}/disable`],
  [`/console/users/${userId}`, `/console/users/${userId}/enable`],
  [`/console/users/${userId}`, `/console/users/${userId}/make-admin`],
  [`/console/users/${userId}`, `/console/users/${userId}/remove-admin`],
  [`/console/users/${userId}`, `/console/users/${userId}/grants/some-grant/revoke`],
  [`/console/users/${userId}`, `/console/users/${userId}/sessions/${'0'.repeat(64)}/sign-out`],
  [`/console/users/${userId}`, `/console/users/${userId}/sessions/sign-out`],
  ['/console/keys/rotate', '/console/keys/rotate'],
];

const alert = (html: string) => /<p class="error" role="alert" id="form-error">([^<]*)<\/p>/.exec(html)?.[1];
const decode = (text: string | undefined) =>
  text
    ?.replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, '&');

describe('admin console', () => {
  let t: TestApp;
  let admin: User;
  let someone: User;
  let client: ClientWithSecret;
  let apiId: string;

  let database: Awaited<ReturnType<typeof privateDatabase>>;

  beforeAll(async () => {
    // Its own database on MySQL too: the last test counts every administrator there is.
    database = await privateDatabase('console');
    t = await createTestApp(database.env);
    admin = await t.createUser({ isAdmin: true });
    someone = await t.createUser({ name: 'Some One' });
    client = await t.createClient({ name: uniqueName('console-client') });
    apiId = await testApiId(t);
  });
  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  it('sends a signed-out visitor of every page to the login page, and back after', async () => {
    for (const path of consolePages(client.client_id, someone.id, apiId)) {
      const res = await t.http().get(path).expect(303);
      expect(res.headers.location).toBe(`/login?return_to=${encodeURIComponent(path)}`);
    }
  });

  it('refuses a signed-in user who is not an administrator every page and every form, with a readable 403 page', async () => {
    const browser = await consoleBrowser(t, someone);
    const home = await browser.get('/').expect(200);
    const csrf = hiddenFields(home.text)._csrf;
    expect(home.text).not.toContain('/console');
    for (const path of consolePages(client.client_id, someone.id, apiId)) {
      const res = await browser.get(path).expect(403);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).toContain('The admin console is for administrators only.');
    }
    for (const [, action] of forms(client.client_id, someone.id, apiId)) {
      const res = await browser.post(action).type('form').send({ _csrf: csrf, confirmation: client.client_id });
      expect([action, res.status]).toEqual([action, 403]);
    }
    expect((await t.app.get(KeysService).listKeys()).length).toBeGreaterThan(0);
    await t.http().get(`/console/clients/${client.client_id}`).expect(303);
  });

  it('shows administrators the console link on the signed-in home page', async () => {
    const browser = await consoleBrowser(t, admin);
    expect((await browser.get('/').expect(200)).text).toContain('href="/console"');
  });

  it('refuses every console form posted without the CSRF token or with a wrong one', async () => {
    const browser = await consoleBrowser(t, admin);
    const target = await t.createUser();
    for (const [page, action] of forms(client.client_id, target.id, apiId)) {
      await browser.get(page).expect(200);
      for (const csrf of [undefined, 'not-the-token']) {
        const res = await browser.post(action).type('form').send({ _csrf: csrf, confirmation: client.client_id });
        expect([action, res.status]).toEqual([action, 403]);
      }
    }
    expect((await t.app.get(AuditService).list({ limit: 5, offset: 0, user_id: target.id } as never)).total).toBe(0);
    await browser.get(`/console/clients/${client.client_id}`).expect(200);
  });

  it('forbids framing every console page and stores none of them', async () => {
    const browser = await consoleBrowser(t, admin);
    for (const path of consolePages(client.client_id, someone.id, apiId).slice(1)) {
      const res = await browser.get(path).expect(200);
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  it('registers a client with a default resource, whose tokens are then for that API (RFC 8707)', async () => {
    const browser = await consoleBrowser(t, admin);
    const res = await submitForm(
      browser,
      '/console/clients/new',
      '/console/clients',
      {
        name: uniqueName('Console Robot'),
        redirect_uris: '',
        grant_types: 'client_credentials',
        scope: 'reports',
        default_resource: TEST_API.identifier,
        token_endpoint_auth_method: 'client_secret_basic',
      },
      200,
    );
    const shown = shownSecret(res.text);
    const page = await browser.get(`/console/clients/${shown.client_id}`).expect(200);
    expect(page.text).toContain(`value="${TEST_API.identifier}"`);
    const tokens = await oauth.clientCredentials(t.http(), shown).expect(200);
    expect(decodeJwt(tokens.body.access_token as string)).toMatchObject({ aud: TEST_API.identifier, scope: 'reports' });
  });

  it('registers a client whose ID tokens are signed ES256, shows it chosen, and changes it back to RS256', async () => {
    const browser = await consoleBrowser(t, admin);
    const fields = {
      name: uniqueName('Console RP'),
      redirect_uris: 'https://partner.example/callback',
      grant_types: 'authorization_code',
      scope: 'openid',
      token_endpoint_auth_method: 'client_secret_basic',
    };
    const form = await browser.get('/console/clients/new').expect(200);
    expect(form.text).toContain('<option value="RS256" selected>');
    const res = await submitForm(
      browser,
      '/console/clients/new',
      '/console/clients',
      { ...fields, id_token_signed_response_alg: 'ES256' },
      200,
    );
    const { client_id } = shownSecret(res.text);
    expect((await t.app.get(ClientsService).get(client_id)).id_token_signed_response_alg).toBe('ES256');
    const page = await browser.get(`/console/clients/${client_id}`).expect(200);
    expect(page.text).toContain('<option value="ES256" selected>');

    const path = `/console/clients/${client_id}`;
    const refused = await submitForm(browser, path, path, { ...fields, id_token_signed_response_alg: 'none' }, 400);
    expect(alert(refused.text)).toBe('id_token_signed_response_alg must be one of: RS256, ES256');
    await submitForm(browser, path, path, { ...fields, id_token_signed_response_alg: 'RS256' }, 303);
    expect((await t.app.get(ClientsService).get(client_id)).id_token_signed_response_alg).toBe('RS256');
  });

  it('registers a client and shows its secret once, which then works at the token endpoint', async () => {
    const browser = await consoleBrowser(t, admin);
    const name = uniqueName('Console Machine');
    const res = await submitForm(
      browser,
      '/console/clients/new',
      '/console/clients',
      {
        name,
        redirect_uris: '',
        grant_types: 'client_credentials',
        scope: 'reports',
        token_endpoint_auth_method: 'client_secret_basic',
      },
      200,
    );
    expect(res.text).toContain('it is not shown again');
    const shown = shownSecret(res.text);

    const tokens = await oauth
      .token(t.http(), shown, { grant_type: 'client_credentials', scope: 'reports' })
      .expect(200);
    expect(tokens.body.access_token).toEqual(expect.any(String));

    const page = await browser.get(`/console/clients/${shown.client_id}`).expect(200);
    expect(page.text).toContain(name);
    expect(page.text).not.toContain(shown.client_secret);
    const list = await browser.get(`/console/clients?q=${encodeURIComponent(name)}`).expect(200);
    expect(list.text).toContain(shown.client_id);
    expect(list.text).not.toContain(shown.client_secret);

    // A new secret: shown once, and the old one stops working.
    const rotated = await submitForm(
      browser,
      `/console/clients/${shown.client_id}`,
      `/console/clients/${shown.client_id}/secret`,
      {},
      200,
    );
    const fresh = shownSecret(rotated.text);
    expect(fresh.client_secret).not.toBe(shown.client_secret);
    await oauth.token(t.http(), shown, { grant_type: 'client_credentials' }).expect(401);
    await oauth.token(t.http(), fresh, { grant_type: 'client_credentials' }).expect(200);
  });

  it('answers bad client input with 400 and the admin API own words on the form', async () => {
    const apiClient = await t.createClient({ grant_types: ['client_credentials'], scope: 'admin', redirect_uris: [] });
    const { access_token } = (
      await oauth.token(t.http(), apiClient, { grant_type: 'client_credentials', scope: 'admin' }).expect(200)
    ).body as { access_token: string };
    const browser = await consoleBrowser(t, admin);
    const cases = [
      { redirect_uris: ['https://partner.example/*'], grant_types: ['authorization_code'] },
      { redirect_uris: ['javascript:alert(1)'], grant_types: ['authorization_code'] },
      { redirect_uris: ['https://partner.example/cb'], grant_types: ['password'] },
      { redirect_uris: ['https://partner.example/cb'], grant_types: [] },
    ];
    for (const metadata of cases) {
      const api = await t
        .http()
        .post('/admin/clients')
        .set('Authorization', `Bearer ${access_token}`)
        .send({ name: 'Bad', ...metadata })
        .expect(400);
      const fields = {
        name: 'Bad',
        redirect_uris: metadata.redirect_uris.join('\n'),
        grant_types: metadata.grant_types,
      };
      const res = await submitForm(browser, '/console/clients/new', '/console/clients', fields, 400);
      expect(decode(alert(res.text))).toBe((api.body as { error_description: string }).error_description);
      // What was typed is still in the form.
      expect(decode(res.text)).toContain(metadata.redirect_uris[0]);
    }
    const edit = await submitForm(
      browser,
      `/console/clients/${client.client_id}`,
      `/console/clients/${client.client_id}`,
      {
        name: client.name,
        redirect_uris: 'http://partner.example/callback',
        grant_types: 'authorization_code',
      },
      400,
    );
    expect(alert(edit.text)).toMatch(/redirect_uri/);
  });

  it('deletes a client only when its name or id is typed to confirm', async () => {
    const browser = await consoleBrowser(t, admin);
    const doomed = await t.createClient({ name: uniqueName('Doomed') });
    const page = `/console/clients/${doomed.client_id}/delete`;
    for (const confirmation of ['', 'something else', doomed.client_id.toUpperCase()]) {
      const res = await submitForm(browser, page, page, { confirmation }, 400);
      expect(alert(res.text)).toMatch(/Type the client.*name or client ID exactly/);
    }
    await browser.get(`/console/clients/${doomed.client_id}`).expect(200);
    const res = await submitForm(browser, page, page, { confirmation: doomed.name }, 303);
    expect(res.headers.location).toBe('/console/clients');
    await browser.get(`/console/clients/${doomed.client_id}`).expect(404);
  });

  it('asks for the password again for a sensitive action after five minutes, and a right one renews the sign-in', async () => {
    const otherAdmin = await t.createUser({ isAdmin: true });
    const browser = await consoleBrowser(t, otherAdmin);
    await ageSignIn(t, otherAdmin.id, RECENT_SIGN_IN_SECONDS + 60);
    const keys = t.app.get(KeysService);
    const before = (await keys.listKeys()).filter((k) => !k.retiredAt).map((k) => k.kid);

    const form = await browser.get('/console/keys/rotate').expect(200);
    expect(form.text).toContain('Your password');
    const refused = await submitForm(browser, '/console/keys/rotate', '/console/keys/rotate', {}, 403);
    expect(alert(refused.text)).toMatch(/enter your password/);
    const wrong = await submitForm(
      browser,
      '/console/keys/rotate',
      '/console/keys/rotate',
      {
        password: 'not the password',
      },
      403,
    );
    expect(alert(wrong.text)).toBe('Your password is not correct. Nothing was changed.');
    expect((await keys.listKeys()).filter((k) => !k.retiredAt).map((k) => k.kid)).toEqual(before);

    await submitForm(browser, '/console/keys/rotate', '/console/keys/rotate', { password: otherAdmin.password }, 303);
    const after = (await keys.listKeys()).filter((k) => !k.retiredAt).map((k) => k.kid);
    expect(after).not.toEqual(expect.arrayContaining(before));
    // The sign-in is fresh again: the next sensitive action asks for nothing.
    expect((await browser.get('/console/keys/rotate').expect(200)).text).not.toContain('Your password');
    await submitForm(browser, '/console/keys/rotate', '/console/keys/rotate', {}, 303);
  });

  it('slows down guessing the password of a forgotten session as the login page does', async () => {
    const guessed = await t.createUser({ isAdmin: true });
    const browser = await consoleBrowser(t, guessed);
    await ageSignIn(t, guessed.id, RECENT_SIGN_IN_SECONDS + 60);
    // LOGIN_BACKOFF_AFTER (5) failures, the last of which starts the username's back-off.
    for (let i = 0; i < 4; i++) {
      await submitForm(browser, '/console/keys/rotate', '/console/keys/rotate', { password: `guess ${i}` }, 403);
    }
    await submitForm(browser, '/console/keys/rotate', '/console/keys/rotate', { password: 'guess 4' }, 429);
    const refused = await submitForm(
      browser,
      '/console/keys/rotate',
      '/console/keys/rotate',
      { password: guessed.password },
      429,
    );
    expect(alert(refused.text)).toMatch(/Too many/);
  });

  it('manages a user: create, edit, password, disable and enable, the admin role, and connected apps', async () => {
    const browser = await consoleBrowser(t, admin);
    const username = uniqueName('created');
    const created = await submitForm(
      browser,
      '/console/users/new',
      '/console/users',
      {
        username,
        password: 'first password',
        name: 'Created Person',
      },
      303,
    );
    const path = created.headers.location as string;
    const id = path.split('/').pop()!;
    const taken = await submitForm(browser, '/console/users/new', '/console/users', { username, password: 'x' }, 400);
    expect(alert(taken.text)).toContain('is already taken');

    await submitForm(browser, path, path, { name: 'Renamed', email: 'not an email' }, 400);
    await submitForm(browser, path, path, { name: 'Renamed', email: 'renamed@example.com' }, 303);
    await submitForm(browser, path, `${path}/password`, { new_password: 'second password' }, 303);
    await submitForm(browser, path, `${path}/disable`, {}, 303);
    let page = await browser.get(path).expect(200);
    expect(page.text).toContain('Renamed');
    expect(page.text).toContain('renamed@example.com');
    expect(page.text).toContain('Disabled');
    await submitForm(browser, path, `${path}/enable`, {}, 303);
    await submitForm(browser, path, `${path}/make-admin`, {}, 303);
    page = await browser.get(path).expect(200);
    expect(page.text).toContain('administrator');
    await submitForm(browser, path, `${path}/remove-admin`, {}, 303);

    const list = await browser.get(`/console/users?q=${encodeURIComponent(username)}`).expect(200);
    expect(list.text).toContain(`/console/users/${id}`);

    await submitForm(browser, path, `${path}/grants/no-such-grant/revoke`, {}, 404);

    // Connected apps: a grant the user made, shown by its client's name, and revoked.
    const app = await t.createClient({ name: uniqueName('Connected App') });
    const code = await issueCode(t.app, app.client_id, id);
    const { access_token } = (await oauth.exchange(t.http(), app, code).expect(200)).body as { access_token: string };
    page = await browser.get(path).expect(200);
    expect(page.text).toContain(app.name);
    const grantId = /\/grants\/([^/]+)\/revoke/.exec(page.text)![1];
    await submitForm(browser, path, `${path}/grants/${grantId}/revoke`, {}, 303);
    expect((await browser.get(path).expect(200)).text).not.toContain(app.name);
    expect((await oauth.introspect(t.http(), app, access_token).expect(200)).body).toEqual({ active: false });
  });

  it("lists a user's sessions and signs them out, one or everywhere, at once", async () => {
    const browser = await consoleBrowser(t, admin);
    const user = await t.createUser();
    const [first, second] = [await consoleBrowser(t, user), await consoleBrowser(t, user)];
    const path = `/console/users/${user.id}`;
    let page = await browser.get(path).expect(200);
    const ended = [...page.text.matchAll(/\/sessions\/([0-9a-f]{64})\/sign-out/g)].map((m) => m[1]);
    expect(ended).toHaveLength(2);

    await submitForm(browser, path, `${path}/sessions/${ended[0]}/sign-out`, {}, 303);
    page = await browser.get(path).expect(200);
    expect(page.text).not.toContain(ended[0]);
    // The home page shows a signed-in browser who it is, and sends a signed-out one to the login page.
    const stillIn = async (agent: typeof first) => (await agent.get('/')).status === 200;
    expect([await stillIn(first), await stillIn(second)].filter(Boolean)).toHaveLength(1);
    await submitForm(browser, path, `${path}/sessions/${ended[0]}/sign-out`, {}, 404);

    await submitForm(browser, path, `${path}/sessions/sign-out`, {}, 303);
    expect((await browser.get(path).expect(200)).text).toContain('This user is not signed in anywhere.');
    expect([await stillIn(first), await stillIn(second)]).toEqual([false, false]);
  });

  it('records every console action with the administrator as its actor', async () => {
    const browser = await consoleBrowser(t, admin);
    const name = uniqueName('Audited');
    const res = await submitForm(
      browser,
      '/console/clients/new',
      '/console/clients',
      {
        name,
        grant_types: 'client_credentials',
        token_endpoint_auth_method: 'client_secret_post',
      },
      200,
    );
    const { client_id } = shownSecret(res.text);
    // Switched at once first: a rotation still staged (by an earlier test) would make the console's a no-op.
    await t.app.get(KeysService).rotate({}, { now: true });
    await submitForm(browser, '/console/keys/rotate', '/console/keys/rotate', {}, 303);
    const { items } = await t.app.get(AuditService).list({ limit: 50, offset: 0, client_id } as never);
    expect(items).toEqual([
      expect.objectContaining({ type: 'client.created', actor: `user:${admin.id}`, user_id: admin.id }),
    ]);

    const log = await browser.get(`/console/audit?client_id=${client_id}`).expect(200);
    expect(log.text).toContain('client.created');
    expect(log.text).toContain(`user:${admin.id}`);
    const rotations = await browser.get('/console/audit?type=keys.rotated').expect(200);
    expect(rotations.text).toContain(`user:${admin.id}`);
    expect(rotations.text).not.toContain('client.created</th>');
    const bad = await browser.get('/console/audit?since=yesterday').expect(400);
    expect(alert(bad.text)).toMatch(/since must be an ISO 8601 date-time/);
    await browser.get('/console/audit?since=2000-01-01T00:00&until=2999-01-01T00:00').expect(200);
  });

  it('registers an API, changes its scopes, refuses what the admin API refuses, and deletes it once no client holds it', async () => {
    const browser = await consoleBrowser(t, admin);
    const identifier = `https://${uniqueName('photos')}.example`;
    const fields = { identifier, name: 'Photos', scopes: 'photos:read: See your photos', access_token_ttl: '600' };
    const register = (changes: Record<string, string>, status: number) =>
      submitForm(browser, '/console/apis/new', '/console/apis', { ...fields, ...changes }, status);
    const bad = await register({ identifier: 'photos' }, 400);
    expect(alert(bad.text)).toMatch(/identifier/);
    expect(decode(bad.text)).toContain('value="photos"');
    const noName = await register({ scopes: 'no description here' }, 400);
    expect(decode(alert(noName.text))).toBe('scope line "no description here" must be "name: description"');
    const tooLong = await register({ access_token_ttl: '999999' }, 400);
    expect(alert(tooLong.text)).toMatch(/access_token_ttl/);

    const created = await register({}, 303);
    const path = created.headers.location.replace(/\?saved$/, '');
    const page = await browser.get(created.headers.location).expect(200);
    expect(page.text).toContain('Saved.');
    expect(page.text).toContain(identifier);
    expect((await browser.get('/console/apis').expect(200)).text).toContain(identifier);

    // A client may now hold the scope, and the consent words are the API's.
    await submitForm(
      browser,
      path,
      path,
      { name: 'Photos', scopes: 'photos:read: See your photos\nphotos:write: Add photos', access_token_ttl: '900' },
      303,
    );
    const [api] = (await t.app.get(ApisService).list(100, 0)).items.filter((a) => a.identifier === identifier);
    expect(api).toMatchObject({
      name: 'Photos',
      access_token_ttl: 900,
      scopes: [
        { name: 'photos:read', description: 'See your photos' },
        { name: 'photos:write', description: 'Add photos' },
      ],
    });
    const holder = await t.createClient({ scope: 'openid photos:write' });

    // Neither a held scope's removal nor the API's deletion is allowed while the client holds it.
    const kept = await submitForm(
      browser,
      path,
      path,
      { name: 'Photos', scopes: 'photos:read: See your photos', access_token_ttl: '900' },
      400,
    );
    expect(alert(kept.text)).toMatch(/1 client holds one of its scopes \(photos:write\)/);
    const held = await submitForm(browser, `${path}/delete`, `${path}/delete`, { confirmation: 'Photos' }, 400);
    expect(alert(held.text)).toMatch(/cannot delete the API/);
    const typo = await submitForm(browser, `${path}/delete`, `${path}/delete`, { confirmation: 'Photo' }, 400);
    expect(decode(alert(typo.text))).toMatch(/Type the API's name or identifier exactly/);

    await t.app.get(ClientsService).delete(holder.client_id);
    const gone = await submitForm(browser, `${path}/delete`, `${path}/delete`, { confirmation: identifier }, 303);
    expect(gone.headers.location).toBe('/console/apis');
    await browser.get(path).expect(404);
    const { items } = await t.app.get(AuditService).list({ limit: 50, offset: 0, user_id: admin.id } as never);
    const types = items
      .filter((e) => (e.detail as { identifier?: string })?.identifier === identifier)
      .map((e) => e.type);
    expect(types.sort()).toEqual(['api.created', 'api.deleted', 'api.updated']);
  });

  it('explains on the page that the last enabled administrator cannot lose the role', async () => {
    const accounts = t.app.get(UserAccountsService);
    const solo = await t.createUser({ isAdmin: true });
    const { items } = await accounts.list(100, 0);
    for (const user of items.filter((u) => u.admin && u.id !== solo.id))
      await accounts.change(user.id, { admin: false });
    const browser = await consoleBrowser(t, solo);
    const path = `/console/users/${solo.id}`;
    const res = await submitForm(browser, path, `${path}/remove-admin`, {}, 400);
    expect(alert(res.text)).toBe('this would leave no enabled administrator; make another user an administrator first');
    const disabled = await submitForm(browser, path, `${path}/disable`, {}, 400);
    expect(alert(disabled.text)).toMatch(/no enabled administrator/);
    await browser.get('/console/users').expect(200);
  });
});
