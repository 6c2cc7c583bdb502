import { DataSource } from 'typeorm';
import { AuthorizationCodeEntity } from '../src/auth-codes/entities/authorization-code.entity';
import { ConsentEntity } from '../src/auth-codes/entities/consent.entity';
import { ClientWithSecret } from '../src/clients/clients.service';
import { tokenDigest } from '../src/common/crypto/tokens';
import { describeScope } from '../src/common/oauth/scope-descriptions';
import { createTestApp, TestApp } from './helpers/create-test-app';
import { authorizeUrl, hiddenFields, pkcePair, signIn } from './helpers/oauth-client';

const REDIRECT = 'https://partner.example/callback';

/** The consent page asks only for what will be granted: `admin` only of an administrator. */
describe('the scope a user is asked to allow', () => {
  let t: TestApp;
  let console: ClientWithSecret;

  beforeAll(async () => {
    t = await createTestApp();
    console = await t.createClient({ redirect_uris: [REDIRECT], scope: 'openid admin' });
  });
  afterAll(() => t.close());

  const request = (scope: string) =>
    authorizeUrl({
      response_type: 'code',
      client_id: console.client_id,
      redirect_uri: REDIRECT,
      scope,
      state: 'st',
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'S256',
    });

  async function signedIn(isAdmin: boolean) {
    const user = await t.createUser({ isAdmin });
    const browser = t.browser();
    await signIn(browser, user.username, user.password);
    return { user, browser };
  }

  it('lists the admin scope on an administrator’s consent page, and not on anyone else’s', async () => {
    const admin = await (await signedIn(true)).browser.get(request('openid admin')).expect(200);
    const other = await (await signedIn(false)).browser.get(request('openid admin')).expect(200);

    expect(admin.text).toContain(describeScope('admin'));
    expect(hiddenFields(admin.text).scope).toBe('openid admin');
    expect(other.text).toContain(describeScope('openid'));
    expect(other.text).not.toContain(describeScope('admin'));
    expect(hiddenFields(other.text).scope).toBe('openid');
  });

  it('remembers and codes for a user who is not an administrator exactly the scope the page showed', async () => {
    const { user, browser } = await signedIn(false);
    const page = await browser.get(request('openid admin')).expect(200);
    const answer = await browser
      .post('/oauth/authorize')
      .type('form')
      .send({ ...hiddenFields(page.text), decision: 'allow' })
      .expect(303);
    const code = new URL(answer.headers.location).searchParams.get('code')!;

    const database = t.app.get(DataSource);
    const stored = await database
      .getRepository(AuthorizationCodeEntity)
      .findOneByOrFail({ codeHash: tokenDigest(code) });
    expect(stored.scope).toBe('openid');
    const consent = await database
      .getRepository(ConsentEntity)
      .findOneByOrFail({ userId: user.id, clientId: console.client_id });
    expect(consent.scope).toBe('openid');
  });

  it('answers invalid_scope, with no consent page, a user who is not an administrator asking only for admin', async () => {
    const res = await (await signedIn(false)).browser.get(request('admin')).expect(303);
    const location = new URL(res.headers.location);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get('error')).toBe('invalid_scope');
    expect(location.searchParams.get('state')).toBe('st');
    expect(location.searchParams.has('code')).toBe(false);
  });
});
