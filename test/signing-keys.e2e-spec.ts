import { createHash, generateKeyPairSync, KeyObject } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeJwt, JWTPayload, SignJWT } from 'jose';
import { DataSource } from 'typeorm';
import { AuditEventEntity } from '../src/audit/audit-event.entity';
import { SigningKeyEntity } from '../src/keys/entities/signing-key.entity';
import { KeysService } from '../src/keys/keys.service';
import { createTestApp } from './helpers/create-test-app';
import { privateDatabase } from './helpers/database-state';
import { until } from './helpers/until';
import * as oauth from './helpers/partner';

const DAY = 24 * 3600 * 1000;

/**
 * The provider's app on a database of its own (on MySQL, test files running alongside must not
 * see their keys withdrawn), with an admin client; `env` overrides settings.
 */
async function keysApp(suffix: string, env: Record<string, string> = {}, options: { testApi?: boolean } = {}) {
  const database = await privateDatabase(suffix);
  const t = await createTestApp({ ...database.env, ...env }, options);
  const admin = await t.createClient({ redirect_uris: [], grant_types: ['client_credentials'], scope: 'admin' });
  const now = () => Math.floor(Date.now() / 1000);
  const keyRows = () => t.app.get(DataSource).getRepository(SigningKeyEntity);
  return {
    t,
    keys: t.app.get(KeysService),
    keyRows,
    async issued(): Promise<string> {
      const res = await oauth.token(t.http(), admin, { grant_type: 'client_credentials' }).expect(200);
      return res.body.access_token as string;
    },
    /** An access token with the claims of an issued one, made now to live `lifetime` seconds, signed with any key under `kid`. */
    async signed(kid: string, privateKey: KeyObject, claims: JWTPayload, lifetime = claims.exp! - claims.iat!) {
      const iat = now();
      return new SignJWT({ ...claims, iat, exp: iat + lifetime, jti: `forged-${iat}-${kid}` })
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid })
        .sign(privateKey);
    },
    admin: (token: string) => t.http().get('/admin/clients').set('Authorization', `Bearer ${token}`),
    introspect: (token: string) =>
      oauth
        .introspect(t.http(), admin, { token })
        .expect(200)
        .then((res) => res.body as { active: boolean }),
    published: async () =>
      (await t.http().get('/oauth/jwks').expect(200)).body.keys.map((k: { kid: string }) => k.kid) as string[],
    async close() {
      await t.close();
      await database.drop();
    },
  };
}

const kidOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString()).kid as string;

describe('signing keys', () => {
  let app: Awaited<ReturnType<typeof keysApp>>;

  beforeAll(async () => {
    app = await keysApp('signing_keys');
  });
  afterAll(() => app?.close());

  it('refuses a token signed with a key retired longer ago than its tokens live, also on an instance that never held it', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' }) as Record<string, string>;
    const kid = createHash('sha256').update(JSON.stringify(jwk)).digest('base64url');
    await app.keyRows().save({
      kid,
      alg: 'ES256',
      privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      publicJwk: { ...jwk, kid, alg: 'ES256', use: 'sig' },
      activatesAt: new Date(Date.now() - 30 * DAY),
      retiredAt: new Date(Date.now() - 3 * DAY),
      withdrawnAt: null,
    });
    const token = await app.signed(kid, privateKey, decodeJwt(await app.issued()));

    const res = await app.admin(token);
    expect({ status: res.status, error: res.body.error }).toEqual({ status: 401, error: 'invalid_token' });
    expect(await app.introspect(token)).toEqual({ active: false });
    expect(await app.published()).not.toContain(kid);
  });

  it('erases the private key of a key as it retires it, and keeps the public key published', async () => {
    const old = kidOf(await app.issued());
    const {
      keys: [fresh],
    } = await app.keys.rotate({}, { now: true });
    const rows = await app.keyRows().findBy([{ kid: old }, { kid: fresh.kid }]);
    const privateKeys = Object.fromEntries(rows.map((row) => [row.kid, row.privateKey]));
    expect(privateKeys).toEqual({ [old]: null, [fresh.kid]: expect.stringContaining('PRIVATE KEY') });
    expect(await app.published()).toContain(old);
  });

  it('stops verifying with a key held in memory within the reload interval once another instance withdraws it', async () => {
    const token = await app.issued();
    await app.keys.rotate({}, { now: true });
    await app.admin(token).expect(200);
    // What `keys:rotate --withdraw` on another instance, or the CLI, writes for the retired key.
    await app.keyRows().update({ kid: kidOf(token) }, { withdrawnAt: new Date() });
    await until(async () => (await app.admin(token)).status === 401, 'the withdrawn key verifies no more', 10_000, 250);
    expect(await app.published()).not.toContain(kidOf(token));
  });

  it('withdraws every older key at once: their tokens are refused, introspected as inactive, and no longer published', async () => {
    const beforeRotation = await app.issued();
    await app.keys.rotate({}, { now: true });
    const current = await app.issued();
    await app.admin(beforeRotation).expect(200);
    await app.admin(current).expect(200);
    const publishedBefore = await app.published();
    expect(publishedBefore).toEqual(expect.arrayContaining([kidOf(beforeRotation), kidOf(current)]));

    const { keys: fresh, withdrawn = [] } = await app.keys.rotate({ actor: 'cli' }, { withdraw: true });

    expect(withdrawn.sort()).toEqual([...publishedBefore].sort());
    for (const token of [beforeRotation, current]) {
      expect((await app.admin(token)).status).toBe(401);
      expect(await app.introspect(token)).toEqual({ active: false });
    }
    expect((await app.published()).sort()).toEqual(fresh.map((k) => k.kid).sort());
    for (const row of await app.keyRows().findBy(withdrawn.map((kid) => ({ kid })))) {
      expect(row).toMatchObject({ privateKey: null, withdrawnAt: expect.any(Date), retiredAt: expect.any(Date) });
    }
    const audit = await app.t.app.get(DataSource).getRepository(AuditEventEntity).findBy({ type: 'keys.withdrawn' });
    expect(audit.map((e) => [e.actor, [...(e.detail!.kids as string[])].sort()])).toEqual([['cli', withdrawn.sort()]]);
    // The new keys sign and verify.
    await app.admin(await app.issued()).expect(200);
  });
});

// Its own app with one-second tokens, after the other has closed (apps in one process share passport's strategy registry).
describe('a retired signing key held in memory', () => {
  let app: Awaited<ReturnType<typeof keysApp>>;

  beforeAll(async () => {
    // No API: none gives tokens that outlive ACCESS_TOKEN_TTL.
    app = await keysApp('retired_keys', { ACCESS_TOKEN_TTL: '1' }, { testApi: false });
  });
  afterAll(() => app?.close());

  it('verifies tokens until every token it signed has expired, and none after, even ones signed with its private key since', async () => {
    const claims = decodeJwt(await app.issued());
    const { kid, privateKey } = app.keys.activeKey('ES256');
    await app.keys.rotate({}, { now: true });
    // A token signed with the retired key may still be alive: another instance may have gone on
    // signing with it until it looked for new keys (every 5 s), and its tokens live a second more.
    // Made to live 30 s (ACCESS_TOKEN_TTL plus the default CLOCK_TOLERANCE): it is the key that ends.
    await app.admin(await app.signed(kid, privateKey, claims, 30)).expect(200);
    await sleep(6_200);
    const late = await app.signed(kid, privateKey, claims, 30);
    expect((await app.admin(late)).status).toBe(401);
    expect(await app.published()).not.toContain(kid);
  });
});

// With the test API registered: its tokens live an hour (its access_token_ttl), far longer than ACCESS_TOKEN_TTL.
describe('a retired signing key and an API whose tokens live longer', () => {
  let app: Awaited<ReturnType<typeof keysApp>>;

  beforeAll(async () => {
    app = await keysApp('api_lifetime', { ACCESS_TOKEN_TTL: '1' });
  });
  afterAll(() => app?.close());

  it('stays published and verifies as long as the longest-lived API token it may have signed', async () => {
    const { kid, privateKey } = app.keys.activeKey('ES256');
    const claims = decodeJwt(await app.issued());
    await app.keys.rotate({}, { now: true });
    // Past ACCESS_TOKEN_TTL and one reload: without the API, the key would be gone by now (above).
    await sleep(6_200);
    expect(await app.published()).toContain(kid);
    await app.admin(await app.signed(kid, privateKey, claims, 30)).expect(200);
  });
});

// Staged rotations, with a publish-ahead of seconds.
describe('a staged rotation', () => {
  let app: Awaited<ReturnType<typeof keysApp>>;

  beforeAll(async () => {
    app = await keysApp('staged', { KEY_PUBLISH_AHEAD: '3' }, { testApi: false });
  });
  afterAll(() => app?.close());

  it('publishes the new keys at once, signs with them only from KEY_PUBLISH_AHEAD on, and tells caches to keep the JWKS half that long', async () => {
    const current = kidOf(await app.issued());
    const jwks = await app.t.http().get('/oauth/jwks').expect(200);
    expect(jwks.headers['cache-control']).toBe('public, max-age=1');

    const rotation = await app.keys.rotate({ actor: 'cli' });
    const next = rotation.keys.find((key) => key.alg === 'ES256')!.kid;
    expect(rotation.made).toBe(true);
    expect(rotation.activatesAt.getTime() - Date.now()).toBeGreaterThan(2_500);
    expect(await app.published()).toEqual(expect.arrayContaining([current, next]));
    expect(kidOf(await app.issued())).toBe(current);
    // Staged once: asked again, the waiting rotation is returned and nothing more is made.
    const again = await app.keys.rotate({ actor: 'cli' });
    expect({ made: again.made, kids: again.keys.map((key) => key.kid) }).toEqual({
      made: false,
      kids: rotation.keys.map((key) => key.kid),
    });

    await until(async () => kidOf(await app.issued()) === next, 'the staged key signs from its time', 6_000, 100);
    expect(Date.now()).toBeGreaterThanOrEqual(rotation.activatesAt.getTime());
    // The old key's private half is erased once its time to sign is over; its public half stays published.
    await until(
      async () => (await app.keyRows().findOneBy({ kid: current }))?.privateKey === null,
      'the retired private key is erased',
      5_000,
      100,
    );
    expect(await app.published()).toContain(current);
  });

  it('stages one rotation when several are asked for at once', async () => {
    const before = (await app.keyRows().count()) as number;
    const rotations = await Promise.all(Array.from({ length: 5 }, () => app.keys.rotate()));
    expect(rotations.filter((rotation) => rotation.made)).toHaveLength(1);
    expect(new Set(rotations.map((rotation) => rotation.keys.map((key) => key.kid).join()))).toEqual(
      new Set([rotations[0].keys.map((key) => key.kid).join()]),
    );
    expect(await app.keyRows().count()).toBe(before + 2);
  });

  it('is replaced by a rotation now: the staged keys retire unused, and the new ones sign at once', async () => {
    // Staged by the test before, or now.
    const staged = await app.keys.rotate();
    const now = await app.keys.rotate({}, { now: true });
    expect(kidOf(await app.issued())).toBe(now.keys.find((key) => key.alg === 'ES256')!.kid);
    const unretired = (await app.keys.listKeys()).filter((key) => !key.retiredAt || key.retiredAt > new Date());
    expect(unretired.map((key) => key.kid).sort()).toEqual(now.keys.map((key) => key.kid).sort());
    const stagedRows = await app.keyRows().findBy(staged.keys.map((key) => ({ kid: key.kid })));
    expect(stagedRows.map((row) => row.privateKey)).toEqual([null, null]);
  });
});
