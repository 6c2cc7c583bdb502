import { sha256 } from '../../src/common/crypto/tokens';
import * as oauth from '../helpers/partner';
import { REDIRECT, codeFlow, Tokens, expectNotFound, useSecurityWorld } from './world';

/* Items of the checklist in docs/security.md, fired at the running provider. */

describe('Administration (docs/security.md, Checklist)', () => {
  const w = useSecurityWorld();

  describe('26. every admin route and method: 401 without a token, 403 without the admin scope', () => {
    const routes = (id: string): ['get' | 'post' | 'patch' | 'delete', string][] => [
      ['post', '/admin/clients'],
      ['get', '/admin/clients'],
      ['get', `/admin/clients/${id}`],
      ['patch', `/admin/clients/${id}`],
      ['delete', `/admin/clients/${id}`],
      ['post', `/admin/clients/${id}/secret`],
    ];

    it('refuses each without a token (401) and with a user or service token lacking admin (403)', async () => {
      const userToken = (await w.tokensFor()).access_token;
      const serviceToken = (await w.clientCredentials(w.service).expect(200)).body.access_token as string;
      for (const [method, path] of routes(w.partner.client_id)) {
        const anonymous = await w.t.http()[method](path).send({ name: 'x' });
        oauth.expectOAuthError(anonymous, 401, 'invalid_token');
        expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer /);
        for (const token of [userToken, serviceToken]) {
          const res = await w.admin(method, path, token).send({ name: 'x' });
          oauth.expectOAuthError(res, 403, 'insufficient_scope');
          expect(res.headers['www-authenticate']).toMatch(/error="insufficient_scope"/);
        }
      }
      await w.admin('get', `/admin/clients/${w.partner.client_id}`).expect(200);
    });

    it('does not hand the admin scope to a user who is not an administrator', async () => {
      const console = await w.t.createClient({
        redirect_uris: [REDIRECT],
        grant_types: ['authorization_code'],
        scope: 'openid admin',
      });
      const { code, verifier } = await w.codeFor(console, { scope: 'openid admin' });
      const tokens = (await w.exchange(code, verifier, console).expect(200)).body as Tokens;
      expect(tokens.scope.split(' ')).not.toContain('admin');
      oauth.expectOAuthError(await w.admin('get', '/admin/clients', tokens.access_token), 403, 'insufficient_scope');
    });
  });

  describe('27. a secret is shown once, at creation or rotation; nothing ever shows it or its hash', () => {
    it('shows it at creation and rotation only, and the old one stops working', async () => {
      const created = await w
        .admin('post', '/admin/clients')
        .send({ name: 'Once', grant_types: ['client_credentials'], scope: 'api' })
        .expect(201);
      const { client_id: id, client_secret: first } = created.body as { client_id: string; client_secret: string };
      expect(first).toEqual(expect.any(String));
      const reads = [
        await w.admin('get', `/admin/clients/${id}`).expect(200),
        await w.admin('get', '/admin/clients?limit=100').expect(200),
        await w.admin('patch', `/admin/clients/${id}`).send({ name: 'Once renamed' }).expect(200),
      ];
      const rotated = await w.admin('post', `/admin/clients/${id}/secret`).expect(201);
      const second = rotated.body.client_secret as string;
      expect(second).toEqual(expect.any(String));
      expect(second).not.toBe(first);
      reads.push(await w.admin('get', `/admin/clients/${id}`).expect(200));
      for (const res of reads) {
        for (const secret of [first, second]) {
          expect(res.text).not.toContain(secret);
          expect(res.text).not.toContain(sha256(secret));
        }
        expect(res.text).not.toMatch(/secret_hash|secretHash|"client_secret"/);
      }
      const asClient = (secret: string) =>
        oauth.token(w.t.http(), { client_id: id, client_secret: secret }, { grant_type: 'client_credentials' });
      oauth.expectOAuthError(await asClient(first), 401, 'invalid_client');
      await asClient(second).expect(200);
    });
  });

  describe('28. bad registrations are refused with 400', () => {
    it.each([
      ['a wildcard in the host', 'https://*.partner.example/cb'],
      ['a wildcard in the path', 'https://partner.example/*'],
      ['a fragment', 'https://partner.example/cb#x'],
      ['an empty fragment', 'https://partner.example/cb#'],
      ['javascript:', 'javascript:alert(1)'],
      ['JavaScript: in mixed case', 'JaVaScRiPt:alert(1)'],
      ['javascript: after a space', ' javascript:alert(1)'],
      ['javascript: with a tab inside', 'java\tscript:alert(1)'],
      ['data:', 'data:text/html,<script>alert(1)</script>'],
      ['DATA: in capitals', 'DATA:text/html,x'],
      ['vbscript:', 'vbscript:msgbox(1)'],
      ['file:', 'file:///etc/passwd'],
      ['plain http to another host', 'http://partner.example/cb'],
      ['plain http to a host that starts like localhost', 'http://localhost.evil.example/cb'],
      ['plain http to a host that starts like 127.0.0.1', 'http://127.0.0.1.evil.example/cb'],
      ['plain http through user information', 'http://127.0.0.1@evil.example/cb'],
      ['a relative URI', '/callback'],
      ['an empty string', ''],
      ['a custom scheme not in reverse-domain form', 'myapp:/cb'],
    ])('a redirect URI with %s: invalid_redirect_uri, at registration and in a PATCH', async (_, uri) => {
      oauth.expectOAuthError(
        await w.admin('post', '/admin/clients').send({ name: 'Bad', redirect_uris: [uri] }),
        400,
        'invalid_redirect_uri',
      );
      oauth.expectOAuthError(
        await w.admin('patch', `/admin/clients/${w.other.client_id}`).send({ redirect_uris: [uri] }),
        400,
        'invalid_redirect_uri',
      );
      oauth.expectOAuthError(
        await w.admin('post', '/admin/clients').send({
          name: 'Bad',
          redirect_uris: [REDIRECT],
          post_logout_redirect_uris: [uri],
        }),
        400,
        'invalid_redirect_uri',
      );
    });

    it.each<[string, Record<string, unknown>]>([
      ['an unknown grant type', { grant_types: ['implicit'] }],
      ['the password grant', { grant_types: ['password'] }],
      ['a grant type URN', { grant_types: ['urn:ietf:params:oauth:grant-type:device_code'] }],
      ['no grant types', { grant_types: [] }],
      ['grant_types as a string', { grant_types: 'authorization_code' }],
      ['redirect_uris as a string', { redirect_uris: REDIRECT }],
      ['a redirect URI that is not a string', { redirect_uris: [{ href: REDIRECT }] }],
      ['an unknown auth method', { token_endpoint_auth_method: 'private_key_jwt' }],
      [
        'a public client with client_credentials',
        { token_endpoint_auth_method: 'none', grant_types: ['client_credentials'] },
      ],
      ['a name with a control character', { name: 'a\u0007b' }],
      ['a name too long', { name: 'n'.repeat(256) }],
      ['a name that is an object', { name: { $ne: null } }],
      ['a malformed scope', { scope: 'openid  profile' }],
      ['the client_id', { client_id: 'chosen' }],
      ['the client_secret', { client_secret: 'chosen' }],
      ['a secret hash', { secret_hash: '0'.repeat(64) }],
      ['the issue time', { client_id_issued_at: 0 }],
      ['an unknown field', { is_admin: true }],
      ['a prototype key', JSON.parse('{"__proto__": {"isPublic": true}}') as Record<string, unknown>],
    ])('%s: 400 invalid_client_metadata or invalid_request', async (_, fields) => {
      const res = await w.admin('post', '/admin/clients').send({ name: 'Bad', redirect_uris: [REDIRECT], ...fields });
      expect(res.status).toBe(400);
      expect(['invalid_client_metadata', 'invalid_request']).toContain(res.body.error);
      const patch = await w.admin('patch', `/admin/clients/${w.other.client_id}`).send(fields);
      expect(patch.status).toBe(400);
    });

    it('left the client the PATCHes aimed at as it was', async () => {
      const res = await w.admin('get', `/admin/clients/${w.other.client_id}`).expect(200);
      expect(res.body).toMatchObject({
        name: 'Other partner',
        redirect_uris: [REDIRECT],
        grant_types: codeFlow.grant_types,
        token_endpoint_auth_method: 'client_secret_basic',
      });
    });
  });

  describe('29. deleting a client kills its codes and tokens at once', () => {
    it('leaves nothing of it working and nothing of it stored', async () => {
      const doomed = await w.t.createClient({
        redirect_uris: [REDIRECT],
        grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
        scope: 'openid profile offline_access',
      });
      const tokens = await w.tokensFor(doomed);
      const unused = await w.codeFor(doomed);
      const machineToken = (await w.clientCredentials(doomed).expect(200)).body.access_token as string;
      await w.admin('delete', `/admin/clients/${doomed.client_id}`).expect(204);

      expect(await w.isActive(tokens.access_token)).toBe(false);
      expect(await w.isActive(machineToken)).toBe(false);
      await w.t.http().get('/oauth/userinfo').set('Authorization', `Bearer ${tokens.access_token}`).expect(401);
      oauth.expectOAuthError(await w.refresh(tokens.refresh_token, doomed), 401, 'invalid_client');
      oauth.expectOAuthError(await w.exchange(unused.code, unused.verifier, doomed), 401, 'invalid_client');
      for (const table of ['authorization_codes', 'grants', 'refresh_tokens'] as const)
        expect(await w.rows(table, doomed.client_id)).toBe(0);
    });

    it('deletes nothing for an id that is the real one in another case or with a trailing space', async () => {
      for (const id of [
        w.partner.client_id.toUpperCase(),
        w.partner.client_id.toLowerCase(),
        `${w.partner.client_id} `,
      ]) {
        if (id === w.partner.client_id) continue;
        expectNotFound(await w.admin('delete', `/admin/clients/${encodeURIComponent(id)}`));
        expectNotFound(await w.admin('post', `/admin/clients/${encodeURIComponent(id)}/secret`));
      }
      await w.admin('get', `/admin/clients/${w.partner.client_id}`).expect(200);
    });
  });
});
