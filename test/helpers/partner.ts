import request, { Response, Test } from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { basicAuth } from './oauth-client';

/*
 * A tiny partner at the token, introspection and revocation endpoints: the one place the
 * tests spell their paths and authenticate a client. Specs call these instead of posting by
 * hand; a spec that sends what no partner would (duplicate parameters, JSON, a GET, fuzz)
 * starts from `tokenRequest` and friends and builds the malformed request itself.
 */

export const TOKEN_ENDPOINT = '/oauth/token';
export const INTROSPECTION_ENDPOINT = '/oauth/introspect';
export const REVOCATION_ENDPOINT = '/oauth/revoke';

/** Where requests go: an app's `t.http()` or `t.browser()`, or the base URL of a spawned server. */
export type Http = TestAgent | string;

/** A registered client, as a partner knows itself. */
export interface PartnerClient {
  client_id: string;
  client_secret?: string | null;
  token_endpoint_auth_method?: string;
}

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

/** Authenticates this one request otherwise than the client is registered: another secret or method. */
export interface AuthOverride {
  secret?: string;
  method?: ClientAuthMethod;
}

/** Form parameters; an `undefined` value is left out, so a test can drop a default (`null` is sent empty). */
export type Params = Record<string, string | null | undefined>;

/** The parameters, or an already encoded form for what a map cannot hold (a parameter twice, raw bytes). */
export type Form = Params | string;

/** The redirect URI test clients are registered with (create-test-app.ts). */
export const PARTNER_REDIRECT = 'https://partner.example/callback';

function agent(http: Http): TestAgent {
  return typeof http === 'string' ? request(http) : http;
}

/** A bare POST to the endpoint, for requests the typed helpers cannot express. */
export const tokenRequest = (http: Http): Test => agent(http).post(TOKEN_ENDPOINT);
export const introspectionRequest = (http: Http): Test => agent(http).post(INTROSPECTION_ENDPOINT);
export const revocationRequest = (http: Http): Test => agent(http).post(REVOCATION_ENDPOINT);

/** The form as supertest sends it: the map without its `undefined` values, `more` appended to an encoded form. */
function body(params: Form, more: Record<string, string> = {}): Record<string, string | null> | string {
  if (typeof params === 'string') return [params, new URLSearchParams(more).toString()].filter(Boolean).join('&');
  const defined = Object.entries(params).filter((e): e is [string, string | null] => e[1] !== undefined);
  return { ...Object.fromEntries(defined), ...more };
}

/**
 * Sends `params` as a form, authenticated as `client` by its registered method (RFC 6749 §2.3.1):
 * Basic, the secret in the body, or only its client_id for a public client. `null` sends no
 * client authentication at all.
 */
export function asClient(req: Test, client: PartnerClient | null, params: Form, auth: AuthOverride = {}): Test {
  if (!client) return req.type('form').send(body(params));
  const method = auth.method ?? (client.token_endpoint_auth_method as ClientAuthMethod | undefined);
  const secret = auth.secret ?? client.client_secret ?? '';
  switch (method) {
    case 'none':
      return req.type('form').send(body(params, { client_id: client.client_id }));
    case 'client_secret_post':
      return req.type('form').send(body(params, { client_id: client.client_id, client_secret: secret }));
    default:
      return req.set('Authorization', basicAuth(client.client_id, secret)).type('form').send(body(params));
  }
}

/** A token request of any grant (RFC 6749 §3.2). */
export function token(http: Http, client: PartnerClient | null, params: Form, auth?: AuthOverride): Test {
  return asClient(tokenRequest(http), client, params, auth);
}

/**
 * Redeems an authorization code (RFC 6749 §4.1.3) with the registered redirect URI and, when
 * there is one, the PKCE verifier (RFC 7636 §4.5). `extra` adds parameters or, set to
 * `undefined`, drops one (`{ redirect_uri: undefined }`).
 */
export function exchange(
  http: Http,
  client: PartnerClient | null,
  { code, verifier }: { code: string; verifier?: string },
  extra: Params = {},
  auth?: AuthOverride,
): Test {
  return token(
    http,
    client,
    { grant_type: 'authorization_code', code, redirect_uri: PARTNER_REDIRECT, code_verifier: verifier, ...extra },
    auth,
  );
}

/** A client_credentials token request (RFC 6749 §4.4.2); `extra` adds `scope`, `resource` and the like. */
export function clientCredentials(
  http: Http,
  client: PartnerClient | null,
  extra: Params = {},
  auth?: AuthOverride,
): Test {
  return token(http, client, { grant_type: 'client_credentials', ...extra }, auth);
}

/** Uses a refresh token (RFC 6749 §6). */
export function refresh(
  http: Http,
  client: PartnerClient | null,
  refreshToken: string,
  extra: Params = {},
  auth?: AuthOverride,
): Test {
  return token(http, client, { grant_type: 'refresh_token', refresh_token: refreshToken, ...extra }, auth);
}

/** Token introspection (RFC 7662 §2.1); `token` is the token, or the whole form. */
export function introspect(
  http: Http,
  client: PartnerClient | null,
  token: string | Params,
  hint?: string,
  auth?: AuthOverride,
): Test {
  return asClient(introspectionRequest(http), client, form(token, hint), auth);
}

/** Token revocation (RFC 7009 §2.1); `token` is the token, or the whole form. */
export function revoke(
  http: Http,
  client: PartnerClient | null,
  token: string | Params,
  hint?: string,
  auth?: AuthOverride,
): Test {
  return asClient(revocationRequest(http), client, form(token, hint), auth);
}

function form(token: string | Params, hint?: string): Params {
  return typeof token === 'string' ? { token, token_type_hint: hint } : { ...token, token_type_hint: hint };
}

/** The error codes of RFC 6749 §4.1.2.1 and §5.2, RFC 7009 §2.2.1, RFC 6750 §3.1, RFC 7591 §3.2.2 and RFC 8707 §2. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'access_denied'
  | 'unsupported_response_type'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'unsupported_token_type'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'invalid_redirect_uri'
  | 'invalid_client_metadata';

/**
 * RFC 6749 §5.2: the status, a JSON body of exactly `error` and a string `error_description`,
 * `Cache-Control: no-store`, for `invalid_client` over HTTP Basic a 401 with a
 * `WWW-Authenticate` challenge, and for a 429 or a 503 a Retry-After.
 */
export function expectOAuthError(res: Response, status: number, error: OAuthErrorCode): void {
  expect({ status: res.status, body: res.body as unknown }).toEqual({
    status,
    body: { error, error_description: expect.any(String) },
  });
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.headers['cache-control']).toBe('no-store');
  const sent = (res as Response & { req: { getHeader(name: string): unknown } }).req.getHeader('authorization');
  const sentBasic = /^Basic /i.test(String(sent ?? ''));
  if (error === 'invalid_client' && sentBasic) expect(res.headers['www-authenticate']).toMatch(/^Basic /);
  // RFC 9110 §10.2.3: when to try again, for a refusal that will pass.
  if (status === 429 || status === 503) expect(res.headers['retry-after']).toMatch(/^[1-9]\d*$/);
}
