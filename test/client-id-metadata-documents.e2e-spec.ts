import { Response } from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { ClientStore } from '../src/clients/client.store';
import { ClientsService } from '../src/clients/clients.service';
import { ClientEntity } from '../src/clients/entities/client.entity';
import { DOCUMENT_MAX_BYTES } from '../src/clients/metadata-documents/document-fetcher';
import { createTestApp, TestApp } from './helpers/create-test-app';
import { DocumentServer } from './helpers/document-server';
import { verifiedIdToken } from './helpers/id-token';
import { authorize, authorizeUrl, hiddenFields, pkcePair, signIn } from './helpers/oauth-client';
import * as oauth from './helpers/partner';

const REDIRECT = oauth.PARTNER_REDIRECT;
const OTHER_REDIRECT = 'https://partner.example/other-callback';

/** Loopback documents over http, and a deadline a slow server outlasts at once. */
const DOCUMENTS_ON = {
  CLIENT_ID_METADATA_DOCUMENTS: 'on',
  CLIENT_ID_METADATA_ALLOW_LOOPBACK: 'true',
  CLIENT_ID_METADATA_TIMEOUT_MS: '300',
};

/** A client known by its document, as a partner knows itself: its URL, no secret. */
const asPartner = (url: string): oauth.PartnerClient => ({ client_id: url, token_endpoint_auth_method: 'none' });

/** A document as a client would publish it at `url`, with `changes`. */
const documentFor = (url: string, changes: Record<string, unknown> = {}) => ({
  client_id: url,
  client_name: 'Doc Partner',
  redirect_uris: [REDIRECT],
  grant_types: ['authorization_code', 'refresh_token'],
  scope: 'openid profile offline_access',
  token_endpoint_auth_method: 'none',
  ...changes,
});

function request(clientId: string, extra: Record<string, string> = {}) {
  const pkce = pkcePair();
  return {
    pkce,
    params: {
      response_type: 'code',
      client_id: clientId,
      redirect_uri: REDIRECT,
      scope: 'openid profile',
      state: 'st',
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
      ...extra,
    },
  };
}

/** RFC 6749 §4.1.2.1: a bad client is shown to the user, never redirected to. */
function expectErrorPage(res: Response, reason: string): void {
  expect(res.status).toBe(400);
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expect(res.headers.location).toBeUndefined();
  expect(res.text).toContain('role="alert"');
  expect(res.text).toContain(reason);
}

describe('Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document)', () => {
  let documents: DocumentServer;
  let t: TestApp;
  let user: Awaited<ReturnType<TestApp['createUser']>>;

  beforeAll(async () => {
    documents = await DocumentServer.start();
    t = await createTestApp(DOCUMENTS_ON);
    user = await t.createUser();
  });
  afterAll(async () => {
    await t.close();
    await documents.close();
  });

  /** A browser signed in as the user. */
  async function signedIn(): Promise<TestAgent> {
    const browser = t.browser();
    await signIn(browser, user.username, user.password);
    return browser;
  }

  /** The authorization endpoint's answer to a signed-in browser. */
  async function authorizeAs(clientId: string, extra: Record<string, string> = {}): Promise<Response> {
    return (await signedIn()).get(authorizeUrl(request(clientId, extra).params));
  }

  it('publishes client_id_metadata_document_supported in discovery', async () => {
    const res = await t.http().get('/.well-known/oauth-authorization-server').expect(200);
    expect(res.body.client_id_metadata_document_supported).toBe(true);
  });

  it('runs the code flow with PKCE, refresh and revocation for a client known only by its document', async () => {
    const url = documents.url('/good/client.json');
    documents.serveJson('/good/client.json', documentFor(url));
    const { params, pkce } = request(url, { scope: 'openid profile offline_access' });

    const browser = t.browser();
    const location = await authorize(browser, params, user);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    const code = location.searchParams.get('code')!;
    const tokens = (await oauth.exchange(t.http(), asPartner(url), { code, verifier: pkce.verifier }).expect(200)).body;
    expect(tokens).toMatchObject({ token_type: 'Bearer', scope: 'openid profile offline_access' });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const userinfo = await t.http().get('/oauth/userinfo').set('Authorization', `Bearer ${tokens.access_token}`);
    expect(userinfo.status).toBe(200);
    expect(userinfo.body.sub).toBe(user.id);

    // The account page names the app as the consent page did, with the host vouching for it.
    const account = await browser.get('/account').expect(200);
    expect(account.text).toContain(`Doc Partner (from ${new URL(url).host})`);

    const refreshed = (await oauth.refresh(t.http(), asPartner(url), tokens.refresh_token).expect(200)).body;
    expect(refreshed.access_token).toEqual(expect.any(String));
    await oauth.revoke(t.http(), asPartner(url), refreshed.refresh_token).expect(200);
    oauth.expectOAuthError(
      await oauth.refresh(t.http(), asPartner(url), refreshed.refresh_token),
      400,
      'invalid_grant',
    );

    // The client exists as any client does, public, under its URL.
    const row = await t.app.get(ClientsService).get(url);
    expect(row).toMatchObject({ client_id: url, client_name: 'Doc Partner', token_endpoint_auth_method: 'none' });
  });

  it('signs the ID tokens of a document that asks for ES256 with ES256, and of one that names none with RS256', async () => {
    for (const [path, alg] of [
      ['/es256/client.json', 'ES256'],
      ['/rs256/client.json', undefined],
    ] as const) {
      const url = documents.url(path);
      documents.serveJson(path, documentFor(url, { id_token_signed_response_alg: alg }));
      const { params, pkce } = request(url);
      const code = (await authorize(t.browser(), params, user)).searchParams.get('code')!;
      const tokens = (await oauth.exchange(t.http(), asPartner(url), { code, verifier: pkce.verifier }).expect(200))
        .body;
      await verifiedIdToken(t.http(), tokens.id_token, alg ?? 'RS256');
      expect((await t.app.get(ClientsService).get(url)).id_token_signed_response_alg).toBe(alg ?? 'RS256');
    }
  });

  it('refuses the code without the PKCE verifier: such a client is public', async () => {
    const url = documents.url('/pkce/client.json');
    documents.serveJson('/pkce/client.json', documentFor(url));
    const { params } = request(url, { code_challenge: undefined!, code_challenge_method: undefined! });
    const location = await authorize(t.browser(), params, user);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('code')).toBeNull();
  });

  it('names the client on the consent page with the host its document comes from', async () => {
    const url = documents.url('/named/client.json');
    documents.serveJson('/named/client.json', documentFor(url, { client_name: 'Claude <b>' }));
    const res = await authorizeAs(url);
    expect(res.status).toBe(200);
    const host = new URL(url).host;
    expect(res.text).toContain(`Claude &lt;b&gt;</span> <span class="client-host">(from <strong>${host}</strong>)`);
  });

  it('resolves a host name itself and fetches from the address it checked', async () => {
    const url = documents.url('/by-name/client.json').replace('127.0.0.1', 'localhost');
    documents.serveJson('/by-name/client.json', documentFor(url));
    const res = await authorizeAs(url);
    expect(res.status).toBe(200);
    expect(documents.hits('/by-name/client.json')).toBe(1);
  });

  it('names the client by its host when the document gives no client_name', async () => {
    const url = documents.url('/nameless/client.json');
    documents.serveJson('/nameless/client.json', documentFor(url, { client_name: undefined }));
    const res = await authorizeAs(url);
    expect(res.status).toBe(200);
    expect(res.text).toContain(`<span class="client">${new URL(url).host}</span>`);
  });

  describe('refuses, with the reason on the error page and invalid_client at the token endpoint', () => {
    async function refusedEverywhere(url: string, reason: string): Promise<void> {
      expectErrorPage(await t.browser().get(authorizeUrl(request(url).params)), reason);
      const res = await oauth.exchange(t.http(), asPartner(url), { code: 'x'.repeat(43), verifier: 'y'.repeat(43) });
      oauth.expectOAuthError(res, 401, 'invalid_client');
      expect(res.body.error_description).toContain(reason);
    }

    it('an http URL to a host other than a loopback one', async () => {
      await refusedEverywhere('http://partner.example/client.json', 'must use https');
    });

    it('a URL without a path, with a fragment, or not in its normal form', async () => {
      await refusedEverywhere(documents.url('/'), 'must have a path');
      await refusedEverywhere(`${documents.url('/c.json')}#x`, 'must not contain a fragment');
      await refusedEverywhere(documents.url('/a/../c.json'), 'must not contain . or .. path segments');
      await refusedEverywhere(documents.url('/c.json').replace('http:', 'HTTP:'), 'normal form');
    });

    it('a URL longer than a client_id column holds', async () => {
      await refusedEverywhere(documents.url(`/${'x'.repeat(250)}.json`), 'is longer than 255 characters');
    });

    it('a document whose client_id is not its URL', async () => {
      const url = documents.url('/mismatch/client.json');
      documents.serveJson('/mismatch/client.json', documentFor(documents.url('/other/client.json')));
      await refusedEverywhere(url, 'names another client_id than the URL it was fetched from');
    });

    it('a document larger than 5 KB, announced or not', async () => {
      const url = documents.url('/large/client.json');
      documents.serveJson('/large/client.json', documentFor(url, { padding: 'x'.repeat(DOCUMENT_MAX_BYTES) }));
      await refusedEverywhere(url, `larger than ${DOCUMENT_MAX_BYTES} bytes`);
      const announced = documents.url('/announced/client.json');
      const body = JSON.stringify(documentFor(announced, { padding: 'x'.repeat(DOCUMENT_MAX_BYTES) }));
      documents.serve('/announced/client.json', {
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
        body,
      });
      await refusedEverywhere(announced, `larger than ${DOCUMENT_MAX_BYTES} bytes`);
    });

    it('a document that comes too slowly', async () => {
      const url = documents.url('/slow/client.json');
      documents.serve('/slow/client.json', {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(documentFor(url)),
        delayMs: 10_000,
      });
      await refusedEverywhere(url, 'took longer than 300 ms');
    });

    it('a redirect, to a private address or anywhere', async () => {
      const url = documents.url('/redirect/client.json');
      documents.serve('/redirect/client.json', { status: 302, headers: { location: 'http://10.0.0.1/client.json' } });
      await refusedEverywhere(url, 'redirects (HTTP 302)');
      // Fetched once: the token endpoint is given the refusal held since the authorization request.
      expect(documents.hits('/redirect/client.json')).toBe(1);
    });

    it('an answer that is not application/json, or not a success', async () => {
      const url = documents.url('/html/client.json');
      documents.serve('/html/client.json', { headers: { 'content-type': 'text/html' }, body: '{}' });
      await refusedEverywhere(url, 'is not served as application/json');
      await refusedEverywhere(documents.url('/missing/client.json'), 'answered HTTP 404');
    });

    it('private, link-local, unique-local and IPv4-mapped addresses, even with loopback allowed', async () => {
      await refusedEverywhere('https://10.0.0.1/client.json', 'resolves to a private address');
      await refusedEverywhere('https://169.254.169.254/latest/meta-data', 'resolves to a private address');
      await refusedEverywhere('https://100.64.0.1/client.json', 'resolves to a private address');
      await refusedEverywhere('https://[fd00::1]/client.json', 'resolves to a private address');
      await refusedEverywhere('https://[fe80::1]/client.json', 'resolves to a private address');
      await refusedEverywhere('https://[::ffff:a00:1]/client.json', 'resolves to a private address');
    });

    it('a document with a client secret, or another authentication method than none', async () => {
      const secret = documents.url('/secret/client.json');
      documents.serveJson('/secret/client.json', documentFor(secret, { client_secret: 'shh' }));
      await refusedEverywhere(secret, 'must not contain client_secret');
      const basic = documents.url('/basic/client.json');
      documents.serveJson(
        '/basic/client.json',
        documentFor(basic, { token_endpoint_auth_method: 'client_secret_basic' }),
      );
      await refusedEverywhere(basic, 'must have token_endpoint_auth_method none');
    });

    it('a document with another grant, bad redirect URIs, or a scope the provider does not offer', async () => {
      const cases: [string, Record<string, unknown> | unknown[], string][] = [
        ['/grant.json', { grant_types: ['authorization_code', 'client_credentials'] }, 'only authorization_code'],
        ['/no-redirect.json', { redirect_uris: [] }, 'at least one redirect_uri'],
        ['/http-redirect.json', { redirect_uris: ['http://partner.example/cb'] }, 'uses http with a host other'],
        ['/admin.json', { scope: 'openid admin' }, 'asks for the scope admin'],
        ['/unknown.json', { scope: 'openid nowhere' }, 'asks for the scope nowhere'],
        ['/unsigned.json', { id_token_signed_response_alg: 'none' }, 'RS256 or ES256 as id_token_signed_response_alg'],
        ['/array.json', [], 'is not a JSON object'],
      ];
      for (const [path, changes, reason] of cases) {
        const url = documents.url(path);
        documents.serveJson(path, Array.isArray(changes) ? changes : documentFor(url, changes));
        await refusedEverywhere(url, reason);
      }
    });
  });

  it('refuses a redirect_uri the document does not list, on the error page', async () => {
    const url = documents.url('/listed/client.json');
    documents.serveJson('/listed/client.json', documentFor(url));
    const res = await t.browser().get(authorizeUrl(request(url, { redirect_uri: OTHER_REDIRECT }).params));
    expectErrorPage(res, 'is not registered for it');
  });

  it('uses a document for its max-age without fetching it again, and fetches it once that has passed', async () => {
    const path = '/cached/client.json';
    const url = documents.url(path);
    documents.serveJson(path, documentFor(url, { client_name: 'Version one' }), 'max-age=120');
    expect((await authorizeAs(url)).text).toContain('Version one');
    expect(documents.hits(path)).toBe(1);

    documents.serveJson(path, documentFor(url, { client_name: 'Version two' }), 'max-age=120');
    expect((await authorizeAs(url)).text).toContain('Version one');
    oauth.expectOAuthError(await oauth.refresh(t.http(), asPartner(url), 'unknown'), 400, 'invalid_grant');
    expect(documents.hits(path)).toBe(1);

    const realNow = Date.now.bind(Date);
    const later = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 121_000);
    try {
      expect((await authorizeAs(url)).text).toContain('Version two');
      expect(documents.hits(path)).toBe(2);
    } finally {
      later.mockRestore();
    }
  });

  it('refuses a document it could not use for a minute without fetching it again, then fetches it', async () => {
    const path = '/broken/client.json';
    const url = documents.url(path);
    documents.serve(path, { status: 500, headers: { 'content-type': 'text/plain' }, body: 'down' });
    expectErrorPage(await authorizeAs(url), 'answered HTTP 500');
    documents.serveJson(path, documentFor(url));
    expectErrorPage(await authorizeAs(url), 'answered HTTP 500');
    const res = await oauth.exchange(t.http(), asPartner(url), { code: 'x'.repeat(43), verifier: 'y'.repeat(43) });
    oauth.expectOAuthError(res, 401, 'invalid_client');
    expect(documents.hits(path)).toBe(1);

    const realNow = Date.now.bind(Date);
    const later = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 61_000);
    try {
      expect((await authorizeAs(url)).status).toBe(200);
      expect(documents.hits(path)).toBe(2);
    } finally {
      later.mockRestore();
    }
  });

  it('makes the client again when its row was deleted while its document was fresh', async () => {
    const path = '/deleted/client.json';
    const url = documents.url(path);
    documents.serveJson(path, documentFor(url), 'max-age=600');
    expect((await authorizeAs(url)).status).toBe(200);
    await t.app.get(ClientsService).delete(url);

    const { params, pkce } = request(url);
    const code = (await authorize(t.browser(), params, user)).searchParams.get('code')!;
    await oauth.exchange(t.http(), asPartner(url), { code, verifier: pkce.verifier }).expect(200);
    expect(documents.hits(path)).toBe(2);
  });

  it('fetches a no-store document for every request', async () => {
    const path = '/no-store/client.json';
    const url = documents.url(path);
    documents.serveJson(path, documentFor(url), 'no-store');
    await authorizeAs(url);
    await authorizeAs(url);
    expect(documents.hits(path)).toBe(2);
  });

  it('asks for consent again once the document changes its redirect URIs', async () => {
    const path = '/changing/client.json';
    const url = documents.url(path);
    documents.serveJson(path, documentFor(url), 'no-store');
    const browser = await signedIn();
    const first = request(url);
    const page = await browser.get(authorizeUrl(first.params)).expect(200);
    const allowed = await browser
      .post('/oauth/authorize')
      .type('form')
      .send({ ...hiddenFields(page.text), decision: 'allow' })
      .expect(303);
    expect(new URL(allowed.headers.location).searchParams.get('code')).toEqual(expect.any(String));

    documents.serveJson(path, documentFor(url, { redirect_uris: [REDIRECT, OTHER_REDIRECT] }), 'no-store');
    const again = await browser.get(authorizeUrl(request(url, { redirect_uri: OTHER_REDIRECT }).params));
    expect(again.status).toBe(200);
    expect(again.text).toContain('wants to use your account');
  });
});

describe('Client ID Metadata Documents without loopback addresses', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ CLIENT_ID_METADATA_DOCUMENTS: 'on' });
  });
  afterAll(() => t.close());

  it('refuses loopback addresses, by name or literal, and http even to them', async () => {
    const cases: [string, string][] = [
      ['https://localhost:1/client.json', 'resolves to a loopback address'],
      ['https://127.0.0.1:1/client.json', 'resolves to a loopback address'],
      ['https://[::1]:1/client.json', 'resolves to a loopback address'],
      ['https://[::ffff:7f00:1]:1/client.json', 'resolves to a loopback address'],
      ['http://127.0.0.1:1/client.json', 'must use https'],
    ];
    for (const [url, reason] of cases) {
      expectErrorPage(await t.browser().get(authorizeUrl(request(url).params)), reason);
    }
  });
});

describe('Client ID Metadata Documents off (the default)', () => {
  let documents: DocumentServer;
  let t: TestApp;

  beforeAll(async () => {
    documents = await DocumentServer.start();
    t = await createTestApp({ CLIENT_ID_METADATA_ALLOW_LOOPBACK: 'true' });
  });
  afterAll(async () => {
    await t.close();
    await documents.close();
  });

  it('does not publish client_id_metadata_document_supported', async () => {
    const res = await t.http().get('/.well-known/oauth-authorization-server').expect(200);
    expect(res.body).not.toHaveProperty('client_id_metadata_document_supported');
  });

  it('treats a URL client_id as an unregistered client and fetches nothing', async () => {
    const url = documents.url('/off/client.json');
    documents.serveJson('/off/client.json', documentFor(url));
    expectErrorPage(await t.browser().get(authorizeUrl(request(url).params)), 'is not registered');
    oauth.expectOAuthError(await oauth.refresh(t.http(), asPartner(url), 'unknown'), 401, 'invalid_client');
    expect(documents.hits('/off/client.json')).toBe(0);
  });

  it('serves no client a document made while it was on', async () => {
    const url = documents.url('/made-before/client.json');
    const row = Object.assign(new ClientEntity(), {
      clientId: url,
      name: 'Made before',
      redirectUris: [REDIRECT],
      postLogoutRedirectUris: [],
      grantTypes: ['authorization_code', 'refresh_token'],
      scope: 'openid',
      tokenEndpointAuthMethod: 'none',
      secretHash: null,
    });
    await t.app.get(ClientStore).insert(row);
    expectErrorPage(await t.browser().get(authorizeUrl(request(url).params)), 'is not registered');
    oauth.expectOAuthError(await oauth.refresh(t.http(), asPartner(url), 'unknown'), 401, 'invalid_client');
  });
});
