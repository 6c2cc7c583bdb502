import type { OpenAPIObject } from '@nestjs/swagger';
import { createTestApp, TestApp } from './helpers/create-test-app';
import { expectConformingAnswer } from './helpers/openapi-conformance';
import { validateOpenApi } from './helpers/openapi-validator';
import * as oauth from './helpers/partner';

const DOCUMENT = '/admin/openapi.json';

/** Every route of the admin API, as the document names them. */
const OPERATIONS = [
  'POST /admin/clients',
  'GET /admin/clients',
  'GET /admin/clients/{id}',
  'PATCH /admin/clients/{id}',
  'DELETE /admin/clients/{id}',
  'POST /admin/clients/{id}/secret',
  'POST /admin/users',
  'GET /admin/users',
  'GET /admin/users/{id}',
  'PATCH /admin/users/{id}',
  'DELETE /admin/users/{id}',
  'GET /admin/users/{id}/grants',
  'DELETE /admin/users/{id}/grants/{grantId}',
  'GET /admin/users/{id}/sessions',
  'DELETE /admin/users/{id}/sessions/{sessionId}',
  'POST /admin/apis',
  'GET /admin/apis',
  'GET /admin/apis/{id}',
  'PATCH /admin/apis/{id}',
  'DELETE /admin/apis/{id}',
  'GET /admin/audit-events',
  'GET /admin/openapi.json',
];

type Operation = {
  parameters?: { name: string; in: string }[];
  responses: Record<string, object>;
  security?: object[];
};

function operationsOf(document: OpenAPIObject): [string, Operation][] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item as Record<string, Operation>).map(([method, op]): [string, Operation] => [
      `${method.toUpperCase()} ${path}`,
      op,
    ]),
  );
}

/** Every key of a JSON value, however deep. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)]);
  return [];
}

describe('the admin API’s OpenAPI document', () => {
  let t: TestApp;
  let adminToken: string;
  let readerToken: string;
  let document: OpenAPIObject;

  beforeAll(async () => {
    t = await createTestApp();
    const admin = await t.createClient({ grant_types: ['client_credentials'], scope: 'admin', redirect_uris: [] });
    adminToken = (await oauth.clientCredentials(t.http(), admin).expect(200)).body.access_token;
    const reader = await t.createClient({ grant_types: ['client_credentials'], scope: 'read', redirect_uris: [] });
    readerToken = (await oauth.clientCredentials(t.http(), reader).expect(200)).body.access_token;
    const res = await t.http().get(DOCUMENT).set('Authorization', `Bearer ${adminToken}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('no-store');
    document = res.body;
  });
  afterAll(() => t.close());

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(document.openapi).toBe('3.1.0');
    expect(await validateOpenApi(document)).toEqual({ valid: true, version: '3.1' });
  });

  it('writes nullable values the OpenAPI 3.1 way, never with 3.0’s `nullable`', () => {
    expect(keysOf(document)).not.toContain('nullable');
    expect(document.components?.schemas?.UserView).toMatchObject({
      properties: { email: { type: ['string', 'null'] } },
    });
  });

  it('describes every admin route, and nothing outside /admin', () => {
    expect(operationsOf(document).map(([name]) => name)).toEqual(expect.arrayContaining(OPERATIONS));
    expect(operationsOf(document)).toHaveLength(OPERATIONS.length);
    const server = t.app.getHttpAdapter().getInstance();
    for (const name of OPERATIONS) {
      const [method, path] = name.split(' ');
      expect({ name, routed: server.hasRoute({ method, url: path.replace(/\{(\w+)\}/g, ':$1') }) }).toEqual({
        name,
        routed: true,
      });
    }
  });

  it('describes the bearer scheme, and the admin scope’s refusals and the error body on every route', () => {
    expect(document.components?.securitySchemes?.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const error = { content: { 'application/json': { schema: { $ref: '#/components/schemas/OAuthErrorBody' } } } };
    for (const [name, op] of operationsOf(document)) {
      expect({ name, security: op.security }).toEqual({ name, security: [{ bearer: [] }] });
      expect({ name, responses: op.responses }).toMatchObject({
        name,
        responses: { 401: error, 403: error, default: error },
      });
    }
    expect(document.components?.schemas?.OAuthErrorBody).toMatchObject({
      required: ['error', 'error_description'],
    });
  });

  it('names each path parameter and the listing queries', () => {
    const params = (name: string) =>
      operationsOf(document)
        .find(([n]) => n === name)![1]
        .parameters!.map((p) => `${p.in}:${p.name}`)
        .sort();
    expect(params('DELETE /admin/users/{id}/grants/{grantId}')).toEqual(['path:grantId', 'path:id']);
    expect(params('GET /admin/clients')).toEqual(['query:limit', 'query:offset', 'query:q']);
    expect(params('GET /admin/audit-events')).toEqual(
      [
        'query:client_id',
        'query:limit',
        'query:offset',
        'query:since',
        'query:type',
        'query:until',
        'query:user_id',
      ].sort(),
    );
  });

  it('describes the ID token algorithm of a client, as given and as shown, with the values it may take', () => {
    const property = { enum: ['RS256', 'ES256'], type: 'string' };
    const schemas = document.components?.schemas ?? {};
    expect(schemas.ClientView).toMatchObject({
      properties: { id_token_signed_response_alg: property },
      required: expect.arrayContaining(['id_token_signed_response_alg']),
    });
    expect(schemas.ClientMetadataDto).toMatchObject({ properties: { id_token_signed_response_alg: property } });
  });

  it('is served as it was built at start-up', async () => {
    const again = await t.http().get(DOCUMENT).set('Authorization', `Bearer ${adminToken}`).expect(200);
    expect(again.body).toEqual(document);
  });

  it('is refused without a token (401) and to a token without the admin scope (403), as every admin route', async () => {
    const anonymous = await t.http().get(DOCUMENT);
    oauth.expectOAuthError(anonymous, 401, 'invalid_token');
    expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer realm="oauth"$/);
    const reader = await t.http().get(DOCUMENT).set('Authorization', `Bearer ${readerToken}`);
    oauth.expectOAuthError(reader, 403, 'insufficient_scope');
    expect(reader.headers['www-authenticate']).toMatch(/^Bearer .*error="insufficient_scope"/);
  });

  describe('the check every admin answer of the specs goes through', () => {
    const client = {
      client_id: 'c1',
      client_name: 'Partner',
      name: 'Partner',
      redirect_uris: ['https://partner.example/callback'],
      post_logout_redirect_uris: [],
      grant_types: ['authorization_code'],
      scope: 'openid',
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
      require_pkce: true,
      resource_server: false,
      default_resource: null,
      client_id_issued_at: 1_700_000_000,
    };
    const check = (method: string, url: string, status: number, body: unknown) => () =>
      expectConformingAnswer(document, method, url, status, body, 'application/json; charset=utf-8');

    it('passes an answer as documented', () => {
      expect(check('get', '/admin/clients/c1', 200, client)).not.toThrow();
      expect(check('get', '/admin/clients?limit=1', 200, { items: [client], total: 1 })).not.toThrow();
      expect(check('delete', '/admin/clients/c1', 404, { error: 'not_found', error_description: 'x' })).not.toThrow();
    });

    it('refuses a field the document does not name, a missing one, a wrong type and an undocumented success', () => {
      expect(check('get', '/admin/clients/c1', 200, { ...client, secret_hash: 'x' })).toThrow(/unevaluated/);
      const withoutScope: Partial<typeof client> = { ...client };
      delete withoutScope.scope;
      expect(check('get', '/admin/clients/c1', 200, withoutScope)).toThrow(/scope/);
      expect(check('get', '/admin/clients/c1', 200, { ...client, default_resource: 1 })).toThrow(/default_resource/);
      expect(check('get', '/admin/clients/c1', 200, { ...client, id_token_signed_response_alg: 'none' })).toThrow(
        /id_token_signed_response_alg/,
      );
      expect(check('get', '/admin/clients/c1', 401, { error: 'invalid_token' })).toThrow(/error_description/);
      expect(check('put', '/admin/clients/c1', 200, client)).toThrow(/no such operation/);
    });
  });
});
