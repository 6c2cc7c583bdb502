import { DataSource, EntityManager } from 'typeorm';
import { UserAccountsService } from '../src/accounts/user-accounts.service';
import { SessionEntity } from '../src/auth/session.entity';
import { ClientWithSecret } from '../src/clients/clients.service';
import { validateEnvironment } from '../src/config/environment';
import { ChangeCounters } from '../src/database/change-counters.service';
import { UserEntity } from '../src/users/entities/user.entity';
import { UsersService } from '../src/users/users.service';
import { createTestApp, TestApp } from './helpers/create-test-app';
import { issueCode, REDIRECT } from './helpers/issue-code';
import { authorizeUrl, hiddenFields, pkcePair, signIn } from './helpers/oauth-client';
import * as oauth from './helpers/partner';
import { signInAttempt } from './helpers/sign-in-attempt';

interface Tokens {
  access_token: string;
  refresh_token: string;
  scope: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A partner allowed to refresh, and to ask for `admin` on behalf of an administrator. */
const PARTNER = {
  redirect_uris: [REDIRECT],
  grant_types: ['authorization_code', 'refresh_token'],
  scope: 'openid profile admin',
};

/** The app's helpers for one spec: the token endpoint as a client, introspection, the admin API. */
function partnerOf(t: TestApp) {
  return {
    async tokens(as: ClientWithSecret, userId: string, scope = 'openid profile admin'): Promise<Tokens> {
      const code = await issueCode(t.app, as.client_id, userId, scope);
      return (await oauth.exchange(t.http(), as, code).expect(200)).body as Tokens;
    },
    refresh: (as: ClientWithSecret, token: string, extra: oauth.Params = {}) =>
      oauth.refresh(t.http(), as, token, extra),
    introspect: async (as: ClientWithSecret, token: string) =>
      (await oauth.introspect(t.http(), as, token).expect(200)).body as { active: boolean; exp?: number },
    adminApi: (token: string) => t.http().get('/admin/clients?limit=1').set('Authorization', `Bearer ${token}`),
  };
}

describe('what a grant covers, for how long, and when it ends', () => {
  let t: TestApp;
  let p: ReturnType<typeof partnerOf>;
  let adminToken: string;

  beforeAll(async () => {
    t = await createTestApp();
    p = partnerOf(t);
    const console = await t.createClient({ redirect_uris: [], grant_types: ['client_credentials'], scope: 'admin' });
    adminToken = (await oauth.token(t.http(), console, { grant_type: 'client_credentials' }).expect(200)).body
      .access_token;
  });
  afterAll(() => t.close());

  const patchClient = (clientId: string, body: object) =>
    t.http().patch(`/admin/clients/${clientId}`).set('Authorization', `Bearer ${adminToken}`).send(body).expect(200);
  /** A change to users made straight in the table, counted as every change to a user's standing must be. */
  const changeUsers = (change: (manager: EntityManager) => Promise<unknown>) =>
    t.app.get(ChangeCounters).counted('users', change);

  describe('a refresh yields only what the client and the user still may have', () => {
    it('drops a scope the client lost since: the new access token has no admin, and the admin API answers 403', async () => {
      const client = await t.createClient(PARTNER);
      const admin = await t.createUser({ isAdmin: true });
      const first = await p.tokens(client, admin.id);
      expect(first.scope).toBe('openid profile admin');
      await p.adminApi(first.access_token).expect(200);

      await patchClient(client.client_id, { scope: 'openid profile' });
      const refreshed = await p.refresh(client, first.refresh_token).expect(200);
      expect(refreshed.body.scope).toBe('openid profile');
      await p.adminApi(refreshed.body.access_token).expect(403);
    });

    it('drops admin once the user is no longer an administrator', async () => {
      const client = await t.createClient(PARTNER);
      const admin = await t.createUser({ isAdmin: true });
      const first = await p.tokens(client, admin.id);
      expect(first.scope).toBe('openid profile admin');

      await changeUsers((m) => m.update(UserEntity, { id: admin.id }, { isAdmin: false }));
      const refreshed = await p.refresh(client, first.refresh_token).expect(200);
      expect(refreshed.body.scope).toBe('openid profile');
      await p.adminApi(refreshed.body.access_token).expect(403);
    });

    it('refuses, as invalid_scope, an explicit request of a scope the client lost, without spending the token', async () => {
      const client = await t.createClient(PARTNER);
      const admin = await t.createUser({ isAdmin: true });
      const first = await p.tokens(client, admin.id);
      await patchClient(client.client_id, { scope: 'openid profile' });

      oauth.expectOAuthError(
        await p.refresh(client, first.refresh_token, { scope: 'openid admin' }),
        400,
        'invalid_scope',
      );
      await p.refresh(client, first.refresh_token, { scope: 'openid' }).expect(200);
    });

    it('does not give a withdrawn scope back when the client is allowed it again', async () => {
      const client = await t.createClient(PARTNER);
      const admin = await t.createUser({ isAdmin: true });
      const first = await p.tokens(client, admin.id);
      await patchClient(client.client_id, { scope: 'openid profile' });
      const narrowed = await p.refresh(client, first.refresh_token).expect(200);

      await patchClient(client.client_id, { scope: 'openid profile admin' });
      const again = await p.refresh(client, narrowed.body.refresh_token).expect(200);
      expect(again.body.scope).toBe('openid profile');
    });

    it('refuses, as invalid_grant, a grant with nothing left of its scope', async () => {
      const client = await t.createClient(PARTNER);
      const user = await t.createUser();
      const first = await p.tokens(client, user.id, 'profile');
      await patchClient(client.client_id, { scope: 'openid' });

      oauth.expectOAuthError(await p.refresh(client, first.refresh_token), 400, 'invalid_grant');
    });

    it('refuses, as invalid_grant, a refresh for a user disabled or deleted since', async () => {
      const client = await t.createClient(PARTNER);
      const [disabled, deleted] = [await t.createUser(), await t.createUser()];
      const [a, b] = [await p.tokens(client, disabled.id, 'openid'), await p.tokens(client, deleted.id, 'openid')];
      // Straight in the table: the grants stay active, so only the user's own state can refuse.
      await changeUsers((m) => m.update(UserEntity, { id: disabled.id }, { disabledAt: new Date() }));
      await changeUsers((m) => m.delete(UserEntity, { id: deleted.id }));

      oauth.expectOAuthError(await p.refresh(client, a.refresh_token), 400, 'invalid_grant');
      oauth.expectOAuthError(await p.refresh(client, b.refresh_token), 400, 'invalid_grant');
    });
  });

  describe('a password change ends every grant of the user', () => {
    it('refuses the refresh tokens, and the access tokens at the admin API and at introspection', async () => {
      const client = await t.createClient(PARTNER);
      const admin = await t.createUser({ isAdmin: true });
      const [first, second] = [await p.tokens(client, admin.id), await p.tokens(client, admin.id)];
      await p.adminApi(first.access_token).expect(200);

      await t.app.get(UserAccountsService).changePassword(admin.id, 'a brand new password');

      for (const tokens of [first, second]) {
        oauth.expectOAuthError(await p.refresh(client, tokens.refresh_token), 400, 'invalid_grant');
        await p.adminApi(tokens.access_token).expect(401);
        expect(await p.introspect(client, tokens.access_token)).toEqual({ active: false });
      }
      // The user goes on with the new password, and may authorize clients again.
      const user = await t.app.get(UsersService).verifyCredentials(admin.username, 'a brand new password');
      expect(user?.id).toBe(admin.id);
      await p.tokens(client, admin.id, 'openid');
    });
  });

  describe('a disabled user', () => {
    it('loses every grant: refresh tokens refused, access tokens inactive', async () => {
      const client = await t.createClient(PARTNER);
      const admin = await t.createUser({ isAdmin: true });
      const tokens = await p.tokens(client, admin.id);

      await t.app.get(UserAccountsService).disable(admin.id);

      oauth.expectOAuthError(await p.refresh(client, tokens.refresh_token), 400, 'invalid_grant');
      await p.adminApi(tokens.access_token).expect(401);
      expect(await p.introspect(client, tokens.access_token)).toEqual({ active: false });
    });

    it('cannot sign in: the login page answers as for a wrong password', async () => {
      const user = await t.createUser();
      await t.app.get(UserAccountsService).disable(user.id);
      const { res } = await signInAttempt(t, user.username, user.password);
      expect(res.status).toBe(401);
      expect(res.text).toContain('role="alert"');
    });

    /** A user signed in at a client's consent page, and a code issued to them before. */
    async function atConsent() {
      const client = await t.createClient({ ...PARTNER, scope: 'openid' });
      const user = await t.createUser();
      const browser = t.browser();
      await signIn(browser, user.username, user.password);
      const unredeemed = await issueCode(t.app, client.client_id, user.id, 'openid');
      const request = authorizeUrl({
        response_type: 'code',
        client_id: client.client_id,
        redirect_uri: REDIRECT,
        scope: 'openid',
        code_challenge: pkcePair().challenge,
        code_challenge_method: 'S256',
      });
      const consent = await browser.get(request).expect(200);
      const allow = () =>
        browser
          .post('/oauth/authorize')
          .type('form')
          .send({ ...hiddenFields(consent.text), decision: 'allow' });
      return { client, user, browser, request, unredeemed, allow };
    }

    it('is signed out: the consent page shown before says the session has ended, the authorization endpoint asks to sign in, and a code issued before cannot be redeemed', async () => {
      const { client, user, browser, request, unredeemed, allow } = await atConsent();

      await t.app.get(UserAccountsService).disable(user.id);

      expect((await allow().expect(401)).text).toContain('Your session has ended.');
      expect((await browser.get(request).expect(303)).headers.location).toMatch(/^\/login\?/);
      oauth.expectOAuthError(await oauth.exchange(t.http(), client, unredeemed), 400, 'invalid_grant');
    });

    it('gets access_denied, not a code, with a session that disabling could not end (stored before sessions named their user)', async () => {
      const { user, browser, request, allow } = await atConsent();
      await t.app.get(DataSource).getRepository(SessionEntity).update({ userId: user.id }, { userId: null });

      await t.app.get(UserAccountsService).disable(user.id);

      // RFC 6749 §4.1.2.1: the partner hears access_denied at its redirect URI, whether the user
      // answers a consent page shown before, or comes to the authorization endpoint again.
      const answers = [await allow().expect(303), await browser.get(request).expect(303)];
      for (const answer of answers) {
        const location = new URL(answer.headers.location);
        expect(location.searchParams.get('error')).toBe('access_denied');
        expect(location.searchParams.has('code')).toBe(false);
      }
    });

    it('is disabled by a second call without error, and an unknown user is refused', async () => {
      const user = await t.createUser();
      const accounts = t.app.get(UserAccountsService);
      await accounts.disable(user.id);
      await expect(accounts.disable(user.id)).resolves.toBeUndefined();
      await expect(accounts.disable('00000000-0000-0000-0000-000000000000')).rejects.toThrow('no such user');
    });
  });
});

describe('a grant’s absolute lifetime', () => {
  it('REFRESH_TOKEN_ABSOLUTE_TTL below REFRESH_TOKEN_TTL stops start-up with one clear line', () => {
    expect(() => validateEnvironment({ REFRESH_TOKEN_TTL: '100', REFRESH_TOKEN_ABSOLUTE_TTL: '99' })).toThrow(
      /^REFRESH_TOKEN_ABSOLUTE_TTL: must be at least REFRESH_TOKEN_TTL$/,
    );
  });

  describe('with refresh tokens of 3 s and grants of 5 s', () => {
    let t: TestApp;
    let p: ReturnType<typeof partnerOf>;

    beforeAll(async () => {
      t = await createTestApp({ REFRESH_TOKEN_TTL: '3', REFRESH_TOKEN_ABSOLUTE_TTL: '5' });
      p = partnerOf(t);
    });
    afterAll(() => t.close());

    it('ends the grant 5 s after it began although it is refreshed every 1.5 s, each token within its 3 s', async () => {
      const client = await t.createClient(PARTNER);
      const user = await t.createUser();
      const started = Date.now();
      let tokens = await p.tokens(client, user.id, 'openid');

      // MySQL keeps the grant's start in whole seconds: the end may come up to a second early.
      for (let i = 0; i < 2; i++) {
        await sleep(1500);
        tokens = (await p.refresh(client, tokens.refresh_token).expect(200)).body;
        // Rotation never pushes the end out: the successor stops with the grant.
        expect((await p.introspect(client, tokens.refresh_token)).exp! * 1000).toBeLessThanOrEqual(started + 5200);
      }
      await sleep(started + 5500 - Date.now());
      oauth.expectOAuthError(await p.refresh(client, tokens.refresh_token), 400, 'invalid_grant');
    });
  });
});
