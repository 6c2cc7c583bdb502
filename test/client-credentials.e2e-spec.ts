import { createLocalJWKSet, jwtVerify } from 'jose';
import type { Response } from 'supertest';
import { ClientWithSecret } from '../src/clients/clients.service';
import { createTestApp, TestApp, uniqueName } from './helpers/create-test-app';
import { basicAuth } from './helpers/oauth-client';
import * as oauth from './helpers/partner';

const ISSUER = 'http://localhost:3000';

describe('client credentials grant', () => {
  let t: TestApp;
  /** Registered for HTTP Basic (the default). */
  let service: ClientWithSecret;
  /** Registered for client_secret_post. */
  let poster: ClientWithSecret;

  beforeAll(async () => {
    t = await createTestApp();
    service = await t.createClient({
      name: uniqueName('service'),
      grant_types: ['client_credentials'],
      scope: 'read write',
      redirect_uris: [],
    });
    poster = await t.createClient({
      name: uniqueName('poster'),
      grant_types: ['client_credentials'],
      scope: 'read write',
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_post',
    });
  });
  afterAll(() => t.close());

  /** A token request as a form, with HTTP Basic for `basic` (a client, or a raw header value), `query` in the URL. */
  function tokenRequest(body: oauth.Form, basic?: ClientWithSecret | string, query?: Record<string, string>) {
    const req = oauth.tokenRequest(t.http());
    if (query) req.query(query);
    if (typeof basic === 'string') return req.set('Authorization', basic).type('form').send(body);
    return oauth.asClient(req, basic ?? null, body, { method: 'client_secret_basic' });
  }

  /** RFC 6749 §5.2: invalid_client is 401, with a Basic challenge exactly when the client tried Basic. */
  function expectInvalidClient(res: Response, usedBasic: boolean) {
    oauth.expectOAuthError(res, 401, 'invalid_client');
    if (usedBasic) expect(res.headers['www-authenticate']).toMatch(/^Basic realm="[^"]+"/);
    else expect(res.headers['www-authenticate']).toBeUndefined();
  }

  describe('success', () => {
    it('issues an access token that verifies against the JWKS, for the client itself, with its registered scope', async () => {
      const res = await tokenRequest({ grant_type: 'client_credentials' }, service).expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
      // RFC 6749 §4.4.3: no refresh token.
      expect(res.body).toEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: 3600,
        scope: 'read write',
      });

      const jwks = await t.http().get('/oauth/jwks').expect(200);
      const { payload } = await jwtVerify(res.body.access_token, createLocalJWKSet(jwks.body), {
        issuer: ISSUER,
        audience: ISSUER,
        typ: 'at+jwt',
      });
      // RFC 9068 §2.2: with no user, the subject is the client.
      expect(payload).toMatchObject({ sub: service.client_id, client_id: service.client_id, scope: 'read write' });
      expect(payload.exp! - payload.iat!).toBe(3600);
      expect(payload.jti).toEqual(expect.any(String));
    });

    it('grants a narrower scope when the client asks for one', async () => {
      const res = await tokenRequest({ grant_type: 'client_credentials', scope: 'read' }, service).expect(200);
      expect(res.body.scope).toBe('read');
      const jwks = await t.http().get('/oauth/jwks').expect(200);
      const { payload } = await jwtVerify(res.body.access_token, createLocalJWKSet(jwks.body), {
        issuer: ISSUER,
        audience: ISSUER,
      });
      expect(payload.scope).toBe('read');
    });

    it('never returns a refresh token, even to a client also allowed refresh_token and offline_access', async () => {
      const both = await t.createClient({
        grant_types: ['client_credentials', 'refresh_token'],
        scope: 'read offline_access',
        redirect_uris: [],
      });
      const res = await tokenRequest({ grant_type: 'client_credentials', scope: 'read offline_access' }, both).expect(
        200,
      );
      expect(res.body).toEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: 3600,
        scope: 'read offline_access',
      });
    });

    it('authenticates a client registered for client_secret_post by its form parameters', async () => {
      const res = await tokenRequest({
        grant_type: 'client_credentials',
        client_id: poster.client_id,
        client_secret: poster.client_secret!,
      }).expect(200);
      expect(res.body).toMatchObject({ token_type: 'Bearer', scope: 'read write' });
      expect(res.body.refresh_token).toBeUndefined();
    });
  });

  describe('scope and grant', () => {
    it.each([
      ['a scope the client was not registered for', 'read admin'],
      ['only scopes the client was not registered for', 'admin'],
      ['a malformed scope', 'read  write'],
    ])('refuses %s with invalid_scope', async (_, scope) => {
      oauth.expectOAuthError(
        await tokenRequest({ grant_type: 'client_credentials', scope }, service),
        400,
        'invalid_scope',
      );
    });

    it('refuses a confidential client not allowed the grant with unauthorized_client', async () => {
      const coder = await t.createClient({ grant_types: ['authorization_code'] });
      oauth.expectOAuthError(
        await tokenRequest({ grant_type: 'client_credentials' }, coder),
        400,
        'unauthorized_client',
      );
    });

    it('refuses a public client with unauthorized_client', async () => {
      const pub = await t.createClient({ token_endpoint_auth_method: 'none' });
      const res = await tokenRequest({ grant_type: 'client_credentials', client_id: pub.client_id });
      oauth.expectOAuthError(res, 400, 'unauthorized_client');
    });
  });

  describe('client authentication', () => {
    it('refuses client_secret_post from a client registered for HTTP Basic (invalid_client)', async () => {
      const res = await tokenRequest({
        grant_type: 'client_credentials',
        client_id: service.client_id,
        client_secret: service.client_secret!,
      });
      expectInvalidClient(res, false);
    });

    it('refuses HTTP Basic from a client registered for client_secret_post (invalid_client, with a challenge)', async () => {
      expectInvalidClient(await tokenRequest({ grant_type: 'client_credentials' }, poster), true);
    });

    it.each<[string, (c: ClientWithSecret) => string]>([
      ['a wrong secret', (c) => basicAuth(c.client_id, `${c.client_secret}x`)],
      ['an empty secret', (c) => basicAuth(c.client_id, '')],
      ['another client’s secret', () => basicAuth(service.client_id, poster.client_secret!)],
      ['an unknown client', () => basicAuth('no-such-client', service.client_secret!)],
      ['malformed Basic credentials', () => 'Basic !!!not-base64!!!'],
      ['Basic credentials without a colon', (c) => `Basic ${Buffer.from(c.client_id).toString('base64')}`],
      ['another scheme in the Authorization header', (c) => `Bearer ${c.client_secret}`],
    ])('refuses %s over HTTP Basic with 401 invalid_client and a Basic challenge', async (_, header) => {
      expectInvalidClient(await tokenRequest({ grant_type: 'client_credentials' }, header(service)), true);
    });

    it.each<[string, () => Record<string, string>]>([
      ['a wrong secret', () => ({ client_id: poster.client_id, client_secret: `${poster.client_secret}x` })],
      ['an empty secret', () => ({ client_id: poster.client_id, client_secret: '' })],
      ['no secret', () => ({ client_id: poster.client_id })],
      ['another client’s secret', () => ({ client_id: poster.client_id, client_secret: service.client_secret! })],
      ['an unknown client', () => ({ client_id: 'no-such-client', client_secret: poster.client_secret! })],
    ])('refuses %s in the form with 401 invalid_client', async (_, credentials) => {
      expectInvalidClient(await tokenRequest({ grant_type: 'client_credentials', ...credentials() }), false);
    });

    it('asks for credentials (401 invalid_client with a challenge) when none are sent', async () => {
      expectInvalidClient(await tokenRequest({ grant_type: 'client_credentials' }), true);
    });

    it('refuses credentials in both the Authorization header and the form with invalid_request', async () => {
      const res = await tokenRequest(
        { grant_type: 'client_credentials', client_id: service.client_id, client_secret: service.client_secret! },
        service,
      );
      oauth.expectOAuthError(res, 400, 'invalid_request');
      const mixed = await tokenRequest(
        { grant_type: 'client_credentials', client_id: poster.client_id, client_secret: poster.client_secret! },
        service,
      );
      oauth.expectOAuthError(mixed, 400, 'invalid_request');
    });

    it('refuses a form client_id that differs from the Basic one with invalid_request', async () => {
      oauth.expectOAuthError(
        await tokenRequest({ grant_type: 'client_credentials', client_id: poster.client_id }, service),
        400,
        'invalid_request',
      );
    });

    it('refuses a client_secret in the query string beside HTTP Basic with invalid_request', async () => {
      const res = await tokenRequest({ grant_type: 'client_credentials' }, service, {
        client_secret: service.client_secret!,
      });
      oauth.expectOAuthError(res, 400, 'invalid_request');
    });

    it('refuses client_id and client_secret in the query string with invalid_request', async () => {
      const query = { client_id: poster.client_id, client_secret: poster.client_secret! };
      oauth.expectOAuthError(
        await tokenRequest({ grant_type: 'client_credentials' }, undefined, query),
        400,
        'invalid_request',
      );
    });
  });

  describe('request format', () => {
    it('refuses a JSON body with invalid_request', async () => {
      const res = await oauth
        .tokenRequest(t.http())
        .set('Authorization', basicAuth(service.client_id, service.client_secret!))
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ grant_type: 'client_credentials' }));
      oauth.expectOAuthError(res, 400, 'invalid_request');
    });

    it('answers GET with 405, naming POST as the allowed method', async () => {
      const res = await t
        .http()
        .get('/oauth/token?grant_type=client_credentials')
        .set('Authorization', basicAuth(service.client_id, service.client_secret!));
      oauth.expectOAuthError(res, 405, 'invalid_request');
      // RFC 9110 §15.5.6: a 405 lists the methods the resource does take.
      expect(res.headers.allow).toBe('POST');
    });

    it.each([
      ['scope given twice', 'grant_type=client_credentials&scope=read&scope=write'],
      ['scope given twice with the same value', 'grant_type=client_credentials&scope=read&scope=read'],
      ['grant_type given twice', 'grant_type=client_credentials&grant_type=client_credentials'],
    ])('refuses %s with invalid_request', async (_, raw) => {
      oauth.expectOAuthError(await tokenRequest(raw, service), 400, 'invalid_request');
    });

    it('refuses client_id given twice in the form with invalid_request', async () => {
      const raw = `grant_type=client_credentials&client_id=${poster.client_id}&client_id=${poster.client_id}&client_secret=${encodeURIComponent(poster.client_secret!)}`;
      oauth.expectOAuthError(await tokenRequest(raw), 400, 'invalid_request');
    });

    it('refuses a missing grant_type with invalid_request', async () => {
      oauth.expectOAuthError(await tokenRequest({ scope: 'read' }, service), 400, 'invalid_request');
    });
  });
});
