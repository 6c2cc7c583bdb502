import { Response } from 'supertest';
import { DataSource, In } from 'typeorm';
import { AuthorizationCodeEntity } from '../src/auth-codes/entities/authorization-code.entity';
import { GrantEntity } from '../src/grants/grant.entity';
import { ClientWithSecret } from '../src/clients/clients.service';
import { tokenDigest } from '../src/common/crypto/tokens';
import { RefreshTokenEntity } from '../src/tokens/entities/refresh-token.entity';
import { createTestApp, TestApp } from './helpers/create-test-app';
import { inBatches } from './helpers/in-batches';
import { issueCode } from './helpers/issue-code';
import * as oauth from './helpers/partner';

/*
 * Checklist items 34 and 35 (docs/security.md) under load: 200 token requests of mixed kinds at once, every answer
 * the right one, and in the database no code or refresh token redeemed twice.
 */
type Code = { code: string; verifier: string };
type Tokens = { access_token: string; refresh_token: string; id_token?: string };

describe('200 concurrent token requests of mixed kinds', () => {
  let t: TestApp;
  let base: string;
  let client: ClientWithSecret;
  let userId: string;

  beforeAll(async () => {
    t = await createTestApp();
    // A real port: supertest would otherwise start and stop the server around each request.
    await t.app.listen(0, '127.0.0.1');
    base = await t.app.getUrl();
    client = await t.createClient({ grant_types: ['authorization_code', 'refresh_token'], scope: 'openid profile' });
    userId = (await t.createUser()).id;
  });
  afterAll(() => t.close());

  const exchange = (code: Code, secret?: string) => oauth.exchange(base, client, code, {}, { secret });
  const refresh = (refreshToken: string) => oauth.refresh(base, client, refreshToken);

  const codes = (n: number) =>
    inBatches(Array.from({ length: n }), 10, () => issueCode(t.app, client.client_id, userId));
  const redeem = async (code: Code): Promise<Tokens> => (await exchange(code).expect(200)).body;

  it('answers each correctly, and redeems no code and no refresh token twice', async () => {
    // What the burst will find.
    const fresh = await codes(40); // redeemed once
    const raced = await codes(15); // redeemed twice at once
    const spent = await codes(20); // redeemed before, replayed
    await inBatches(spent, 10, redeem);
    const guarded = await codes(30); // presented with a wrong secret
    const refreshOnce = await inBatches(await codes(40), 10, redeem); // refreshed once
    const refreshRaced = await inBatches(await codes(15), 10, redeem); // refreshed twice at once
    const rotated = await inBatches(await codes(10), 10, redeem); // rotated before, presented again
    await inBatches(rotated, 10, (tokens) => refresh(tokens.refresh_token).expect(200));

    const shots: { kind: string; key: string; send: () => Promise<Response> }[] = [
      ...fresh.map((c) => ({ kind: 'code', key: c.code, send: () => exchange(c) })),
      ...raced.flatMap((c) => [0, 1].map(() => ({ kind: 'code race', key: c.code, send: () => exchange(c) }))),
      ...spent.map((c) => ({ kind: 'code replay', key: c.code, send: () => exchange(c) })),
      ...guarded.map((c) => ({
        kind: 'wrong secret',
        key: c.code,
        send: () => exchange(c, 'not-the-secret'),
      })),
      ...refreshOnce.map((r) => ({ kind: 'refresh', key: r.refresh_token, send: () => refresh(r.refresh_token) })),
      ...refreshRaced.flatMap((r) =>
        [0, 1].map(() => ({ kind: 'refresh race', key: r.refresh_token, send: () => refresh(r.refresh_token) })),
      ),
      ...rotated.map((r) => ({ kind: 'refresh reuse', key: r.refresh_token, send: () => refresh(r.refresh_token) })),
    ];
    expect(shots).toHaveLength(200);
    // Interleaved, so that no kind has the server to itself.
    shots.sort(() => Math.random() - 0.5);
    const answers = await Promise.all(shots.map(async (shot) => ({ ...shot, res: await shot.send() })));

    const byKey = new Map<string, Response[]>();
    for (const { key, res } of answers) byKey.set(key, [...(byKey.get(key) ?? []), res]);
    for (const { kind, key, res } of answers) {
      switch (kind) {
        case 'code':
          expect(res.status).toBe(200);
          expect(res.body).toMatchObject({
            access_token: expect.any(String),
            refresh_token: expect.any(String),
            id_token: expect.any(String),
            token_type: 'Bearer',
          });
          break;
        case 'refresh':
          expect(res.status).toBe(200);
          expect(res.body.refresh_token).toEqual(expect.any(String));
          expect(res.body.refresh_token).not.toBe(key);
          break;
        case 'code replay':
        case 'refresh reuse':
          oauth.expectOAuthError(res, 400, 'invalid_grant');
          break;
        case 'wrong secret':
          oauth.expectOAuthError(res, 401, 'invalid_client');
          expect(res.headers['www-authenticate']).toMatch(/^Basic /);
          break;
        case 'code race':
        case 'refresh race': {
          // Of the two, exactly one wins; the other is a replay.
          const pair = byKey.get(key)!;
          expect(pair.map((r) => r.status).sort()).toEqual([200, 400]);
          oauth.expectOAuthError(
            pair.find((r) => r.status === 400)!,
            400,
            'invalid_grant',
          );
          break;
        }
      }
      expect(res.headers['cache-control']).toBe('no-store');
    }

    // The database agrees: each redeemed code made exactly one grant, a refused one none.
    const db = t.app.get(DataSource);
    const codeRows = async (list: Code[]) =>
      db.getRepository(AuthorizationCodeEntity).findBy({ codeHash: In(list.map((c) => tokenDigest(c.code))) });
    for (const row of await codeRows([...fresh, ...raced, ...spent]))
      expect(row.consumedAt && row.grantId).toBeTruthy();
    for (const row of await codeRows(guarded))
      expect({ consumedAt: row.consumedAt, grantId: row.grantId }).toEqual({ consumedAt: null, grantId: null });
    const redeemedCodes = 40 + 15 + 20 + 40 + 15 + 10;
    expect(await db.getRepository(GrantEntity).countBy({ clientId: client.client_id })).toBe(redeemedCodes);
    const grantsOf = async (list: Code[]) =>
      db.getRepository(GrantEntity).findBy({ id: In((await codeRows(list)).map((row) => row.grantId!)) });
    expect((await grantsOf(fresh)).map((g) => g.revokedAt)).toEqual(fresh.map(() => null));
    // A code redeemed twice revokes what it gave (RFC 6749 §4.1.2).
    expect((await grantsOf(raced)).filter((g) => g.revokedAt !== null)).toHaveLength(raced.length);

    // Each refresh token was used at most once, with at most one successor.
    const grantOf = async (refreshToken: string) =>
      (await db.getRepository(RefreshTokenEntity).findOneByOrFail({ tokenHash: tokenDigest(refreshToken) })).grantId;
    const chain = async (refreshToken: string) => {
      const grantId = await grantOf(refreshToken);
      const rows = await db.getRepository(RefreshTokenEntity).findBy({ grantId });
      const grant = await db.getRepository(GrantEntity).findOneByOrFail({ id: grantId });
      return {
        tokens: rows.length,
        unused: rows.filter((r) => !r.isRotated).length,
        revoked: grant.revokedAt !== null,
      };
    };
    for (const r of refreshOnce) expect(await chain(r.refresh_token)).toEqual({ tokens: 2, unused: 1, revoked: false });
    // A race or a reuse is treated as theft: the grant is revoked (RFC 9700 §4.14.2).
    for (const r of refreshRaced) expect(await chain(r.refresh_token)).toEqual({ tokens: 2, unused: 1, revoked: true });
    for (const r of rotated) expect(await chain(r.refresh_token)).toEqual({ tokens: 2, unused: 1, revoked: true });

    // And what the burst handed out works: the successors refresh, the guarded codes still redeem.
    await inBatches(
      answers.filter((a) => a.kind === 'refresh'),
      10,
      ({ res }) => refresh(res.body.refresh_token).expect(200),
    );
    await inBatches(guarded, 10, redeem);
  });
});
