import * as net from 'node:net';
import type { Response } from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { createTestApp, TestApp } from '../helpers/create-test-app';
import { authorize, pkcePair } from '../helpers/oauth-client';
import * as oauth from '../helpers/partner';

/*
 * The provider every checklist spec (docs/security.md, "Checklist") fires its attacks at: one app,
 * a partner registered with several redirect URIs, clients of every authentication method, a
 * resource server, an admin console, and a browser signed in as a user who has allowed `partner`
 * everything, so a good request gets a code at once.
 */

export const ISSUER = 'http://localhost:3000';
export const REDIRECT = oauth.PARTNER_REDIRECT;
export const LOOPBACK_V4 = 'http://127.0.0.1/cb';
export const LOOPBACK_V6 = 'http://[::1]/cb';
export const LOCALHOST = 'http://localhost:8080/cb';
/** What "fast" means for an answer to an oversized or hostile request. */
export const FAST_MS = 1000;
/** What a partner of the code flow is registered with. */
export const codeFlow = {
  grant_types: ['authorization_code', 'refresh_token'],
  scope: 'openid profile email offline_access',
};

type User = Awaited<ReturnType<TestApp['createUser']>>;
export type Client = Awaited<ReturnType<TestApp['createClient']>>;
export type Tokens = { access_token: string; refresh_token: string; id_token: string; scope: string };

export interface SecurityWorld {
  t: TestApp;
  db: DataSource;
  user: User;
  partner: Client;
  other: Client;
  postClient: Client;
  publicClient: Client;
  service: Client;
  resourceServer: Client;
  adminToken: string;
  signedIn: TestAgent;
  clientCredentials(as: Client, body?: oauth.Params): ReturnType<typeof oauth.token>;
  admin(method: 'get' | 'post' | 'patch' | 'delete', path: string, token?: string): ReturnType<TestAgent['get']>;
  codeFor(
    as?: Client,
    overrides?: Record<string, string | undefined>,
    browser?: TestAgent,
  ): Promise<{ code: string; verifier: string }>;
  exchange(
    code: string,
    verifier: string | undefined,
    as?: Client,
    extra?: oauth.Params,
  ): ReturnType<typeof oauth.token>;
  tokensFor(as?: Client): Promise<Tokens>;
  refresh(token: string, as?: Client, extra?: oauth.Params): ReturnType<typeof oauth.token>;
  isActive(token: string): Promise<boolean>;
  refreshTokenActive(token: string, as?: Client): Promise<boolean>;
  rows(table: 'authorization_codes' | 'grants' | 'refresh_tokens', clientId: string): Promise<number>;
  baseQuery(overrides?: Record<string, string | undefined>): Record<string, string | undefined>;
}

/** Starts the world before the describe's tests and closes it after them; its fields are set once started. */
export function useSecurityWorld(): SecurityWorld {
  const w = {} as SecurityWorld;
  beforeAll(async () => Object.assign(w, await startWorld()));
  afterAll(() => w.t.close());
  return w;
}

async function startWorld(): Promise<SecurityWorld> {
  const t = await createTestApp();
  const db = t.app.get(DataSource);
  await new Promise<void>((resolve) => t.app.getHttpServer().listen(0, '127.0.0.1', resolve));
  const user = await t.createUser({ name: 'Ada', email: 'ada@example.com' });
  const partner = await t.createClient({
    name: 'Partner',
    redirect_uris: [REDIRECT, 'https://partner.example/other', LOOPBACK_V4, LOOPBACK_V6, LOCALHOST],
    ...codeFlow,
  });
  const other = await t.createClient({ name: 'Other partner', redirect_uris: [REDIRECT], ...codeFlow });
  const postClient = await t.createClient({
    name: 'Post partner',
    redirect_uris: [REDIRECT],
    token_endpoint_auth_method: 'client_secret_post',
    ...codeFlow,
  });
  const publicClient = await t.createClient({
    name: 'Native app',
    redirect_uris: [REDIRECT],
    token_endpoint_auth_method: 'none',
    ...codeFlow,
  });
  const service = await t.createClient({
    name: 'Service',
    redirect_uris: [],
    grant_types: ['client_credentials', 'refresh_token'],
    scope: 'api offline_access',
  });
  const resourceServer = await t.createClient({
    name: 'API',
    redirect_uris: [],
    grant_types: ['client_credentials'],
    scope: '',
    resource_server: true,
  });
  const adminClient = await t.createClient({
    name: 'Admin console',
    redirect_uris: [],
    grant_types: ['client_credentials'],
    scope: 'admin',
  });

  const clientCredentials = (as: Client, body: oauth.Params = {}) =>
    oauth.token(t.http(), as, { grant_type: 'client_credentials', ...body });
  const adminToken = (await clientCredentials(adminClient).expect(200)).body.access_token as string;
  const admin = (method: 'get' | 'post' | 'patch' | 'delete', path: string, token = adminToken) =>
    t.http()[method](path).set('Authorization', `Bearer ${token}`);

  const baseQuery = (overrides: Record<string, string | undefined> = {}) => ({
    response_type: 'code',
    client_id: partner.client_id,
    redirect_uri: REDIRECT,
    scope: 'openid',
    state: 'st',
    code_challenge: pkcePair().challenge,
    code_challenge_method: 'S256',
    ...overrides,
  });

  const signedIn = t.browser();
  await authorize(signedIn, baseQuery({ scope: codeFlow.scope, state: undefined }), user);

  /** A code for `as` through the signed-in browser (consent is asked and given when not remembered). */
  async function codeFor(as: Client = partner, overrides: Record<string, string | undefined> = {}, browser = signedIn) {
    const pkce = pkcePair();
    const location = await authorize(
      browser,
      {
        response_type: 'code',
        client_id: as.client_id,
        redirect_uri: REDIRECT,
        scope: 'openid profile',
        state: 's',
        code_challenge: pkce.challenge,
        code_challenge_method: 'S256',
        ...overrides,
      },
      user,
    );
    const code = location.searchParams.get('code');
    if (!code) throw new Error(`expected a code, got ${location}`);
    return { code, verifier: pkce.verifier };
  }
  const exchange = (code: string, verifier: string | undefined, as: Client = partner, extra: oauth.Params = {}) =>
    oauth.exchange(t.http(), as, { code, verifier }, extra);
  const tokensFor = async (as: Client = partner) => {
    const { code, verifier } = await codeFor(as);
    return (await exchange(code, verifier, as).expect(200)).body as Tokens;
  };
  const refresh = (token: string, as: Client = partner, extra: oauth.Params = {}) =>
    oauth.refresh(t.http(), as, token, extra);
  const isActive = async (token: string) =>
    (await oauth.introspect(t.http(), resourceServer, token).expect(200)).body.active === true;
  const refreshTokenActive = async (token: string, as: Client = partner) =>
    (await oauth.introspect(t.http(), as, token, 'refresh_token').expect(200)).body.active === true;
  async function rows(table: 'authorization_codes' | 'grants' | 'refresh_tokens', clientId: string) {
    const [{ n }] = (await db.query(`SELECT COUNT(*) AS n FROM ${table} WHERE client_id = ?`, [clientId])) as {
      n: number | string;
    }[];
    return Number(n);
  }

  return {
    t,
    db,
    user,
    partner,
    other,
    postClient,
    publicClient,
    service,
    resourceServer,
    adminToken,
    signedIn,
    clientCredentials,
    admin,
    codeFor,
    exchange,
    tokensFor,
    refresh,
    isActive,
    refreshTokenActive,
    rows,
    baseQuery,
  };
}

/** The error page of the authorization endpoint: 400, HTML, no redirect (RFC 6749 §4.1.2.1). */
export function expectErrorPage(res: Response): void {
  expect(res.status).toBe(400);
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expect(res.headers.location).toBeUndefined();
  expect(res.text).toContain('This request cannot be completed');
}

/** An authorization error sent back to the client: `error`, the exact `state`, `iss` (RFC 6749 §4.1.2.1, RFC 9207). */
export function expectRedirectedError(res: Response, error: string, state: string | null, base = REDIRECT): URL {
  expect(res.status).toBe(303);
  const location = new URL(res.headers.location);
  expect(`${location.origin}${location.pathname}`).toBe(base);
  expect(location.searchParams.get('error')).toBe(error);
  expect(location.searchParams.get('error_description')).toEqual(expect.any(String));
  expect(location.searchParams.get('state')).toBe(state);
  expect(location.searchParams.get('iss')).toBe(ISSUER);
  expect(location.searchParams.get('code')).toBeNull();
  return location;
}

/** A path nobody serves, or a client that does not exist: 404 in the JSON error shape. */
export function expectNotFound(res: Response): void {
  expect({ status: res.status, body: res.body as unknown }).toEqual({
    status: 404,
    body: { error: 'not_found', error_description: expect.any(String) },
  });
  expect(res.headers['cache-control']).toBe('no-store');
}

/** Nothing from the request reaches a header unescaped. */
export function expectCleanHeaders(res: Response): void {
  for (const [name, value] of Object.entries(res.headers)) {
    for (const v of ([] as unknown[]).concat(value)) expect(`${name}: ${String(v)}`).toMatch(/^[\x20-\x7e]*$/);
  }
}

export function sidOf(res: Response): string | undefined {
  const line = ([] as string[])
    .concat(res.headers['set-cookie'] ?? [])
    .filter((l) => l.startsWith('sid='))
    .pop();
  return line?.split(';')[0].slice('sid='.length);
}

/** The `name=value` of each cookie a response sets, to send back by hand. */
export function cookiesOf(res: Response): string[] {
  return ([] as string[]).concat(res.headers['set-cookie'] ?? []).map((line) => line.split(';')[0]);
}

/** A JWT-looking value with this header and payload and a made-up signature. */
export function forgedJwt(header: unknown, payload: unknown): string {
  const part = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
  return `${part(header)}.${part(payload)}.${Buffer.from('not a signature').toString('base64url')}`;
}

/** A raw HTTP request, for what no HTTP client library would send; resolves with the raw answer. */
export function rawRequest(t: TestApp, data: string | Buffer): Promise<string> {
  const port = (t.app.getHttpServer().address() as net.AddressInfo).port;
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(data));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.on('close', () => resolve(answer));
    socket.on('error', () => resolve(answer));
  });
}
