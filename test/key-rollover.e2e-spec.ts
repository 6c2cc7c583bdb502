import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import * as client from 'openid-client';
import { DataSource } from 'typeorm';
import { AuditEventEntity } from '../src/audit/audit-event.entity';
import { SigningKeyEntity } from '../src/keys/entities/signing-key.entity';
import { createTestApp, TestApp } from './helpers/create-test-app';
import { privateDatabase } from './helpers/database-state';
import { freePort } from './helpers/free-port';
import { authorize } from './helpers/oauth-client';
import { describeWith } from './helpers/requirements';
import { spawnInstance, SpawnedInstance } from './helpers/spawned-instance';

/**
 * Scheduled key rollover with time compressed to seconds: two instances on one database (one in
 * this process, one spawned), each of which may stage a rollover when it falls due, while a relying
 * party built on openid-client refreshes through both, verifying every ID token's signature against
 * the JWKS it caches as long as the provider's Cache-Control max-age allows.
 */
/**
 * A key is published PUBLISH_AHEAD_S before it signs, and the test asks for half of that (the JWKS
 * max-age) as seen from outside: a staged key signs a reload interval after KEY_PUBLISH_AHEAD, so
 * that every instance has read it, and the other half is what a commit on a loaded cluster and the
 * poller's own requests may take. At 4 s, a Galera cluster sharing two cores with the rest of
 * the suite once took more. The interval leaves room for the publish-ahead time, that reload, and
 * one more for the rollover check to come round.
 */
const INTERVAL_S = 13;
const PUBLISH_AHEAD_S = 8;
const TOKEN_TTL_S = 2;
/** How often an instance reads the keys again (KeysService: a quarter of the publish-ahead time). */
const RELOAD_S = PUBLISH_AHEAD_S / 4;
const ROLLOVERS = 3;
const SETTINGS = {
  KEY_ROTATION_INTERVAL: String(INTERVAL_S),
  KEY_PUBLISH_AHEAD: String(PUBLISH_AHEAD_S),
  ACCESS_TOKEN_TTL: String(TOKEN_TTL_S),
};

interface Issued {
  kid: string;
  alg: string;
  receivedAt: number;
  expiresAt: number;
}

describeWith('mysql', 'scheduled key rollover on two instances', () => {
  let database: Awaited<ReturnType<typeof privateDatabase>>;
  let a: TestApp;
  let b: SpawnedInstance;
  let issuer: string;
  let workDir: string;

  beforeAll(async () => {
    database = await privateDatabase('rollover');
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    const env = { ...database.env, ...SETTINGS, ISSUER: issuer };
    // No API: none gives tokens that outlive ACCESS_TOKEN_TTL, so retired keys leave within seconds.
    a = await createTestApp({ ...env, PORT: String(port) }, { testApi: false });
    await a.app.listen(port, '127.0.0.1');
    workDir = mkdtempSync(join(tmpdir(), 'rollover-'));
    b = await spawnInstance(workDir, env);
  }, 60_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await database?.drop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('publishes each key before it signs, stages each rollover once, withdraws retired keys after their tokens expire, and a relying party verifies throughout', async () => {
    const instances = [issuer, b.url];
    // Every key either instance publishes, and when it was first and last seen there.
    const seen = new Map<string, { first: number; last: number }>();
    let polling = true;
    const pollingSince = Date.now();
    const poller = (async () => {
      while (polling) {
        for (const url of instances) {
          const res = await fetch(`${url}/oauth/jwks`);
          expect(res.status).toBe(200);
          const now = Date.now();
          for (const { kid } of ((await res.json()) as { keys: { kid: string }[] }).keys) {
            const known = seen.get(kid);
            seen.set(kid, { first: known?.first ?? now, last: now });
          }
        }
        await sleep(100);
      }
    })();

    const issued: Issued[] = [];
    const jwksFetches: { status: number; maxAge: number; at: number }[] = [];
    const idTokenKids = () => new Set(issued.filter((token) => token.alg === 'RS256').map((token) => token.kid));
    try {
      // The relying party: openid-client, sending every other request to the second instance.
      const redirectUri = `http://127.0.0.1:${await freePort()}/cb`;
      const partner = await a.createClient({
        grant_types: ['authorization_code', 'refresh_token'],
        scope: 'openid offline_access',
        redirect_uris: [redirectUri],
      });
      const user = await a.createUser();
      let requests = 0;
      const roundRobin: client.CustomFetch = async (url, options) => {
        const target = new URL(url);
        const to = new URL(instances[requests++ % 2]);
        target.host = to.host;
        const res = await fetch(target, options as RequestInit);
        if (target.pathname === '/oauth/jwks') {
          const maxAge = Number(/max-age=(\d+)/.exec(res.headers.get('cache-control') ?? '')?.[1] ?? 0);
          jwksFetches.push({ status: res.status, maxAge, at: Date.now() });
        }
        return res;
      };
      const metadata = (
        await client.discovery(new URL(issuer), partner.client_id, partner.client_secret, undefined, {
          execute: [client.allowInsecureRequests],
        })
      ).serverMetadata();
      // A configuration per request, handed the JWKS the relying party holds while Cache-Control lets it keep it.
      let held: client.ExportedJWKSCache | undefined;
      const relyingParty = () => {
        const config = new client.Configuration(
          metadata,
          partner.client_id,
          partner.client_secret,
          client.ClientSecretBasic(partner.client_secret),
        );
        client.allowInsecureRequests(config);
        client.enableNonRepudiationChecks(config);
        config[client.customFetch] = roundRobin;
        const last = jwksFetches.at(-1);
        if (held && last && Date.now() - last.at < last.maxAge * 1000) client.setJwksCache(config, held);
        return config;
      };

      const config = relyingParty();
      const pkceCodeVerifier = client.randomPKCECodeVerifier();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: 'openid offline_access',
        code_challenge: await client.calculatePKCECodeChallenge(pkceCodeVerifier),
        code_challenge_method: 'S256',
      });
      const callback = await authorize(a.browser(), Object.fromEntries(url.searchParams), user);
      const granted = await client
        .authorizationCodeGrant(config, callback, { pkceCodeVerifier, idTokenExpected: true })
        .catch((error: client.ResponseBodyError) => {
          throw new Error(`${error.message}: ${JSON.stringify(error.cause)}`);
        });
      let refreshToken = granted.refresh_token!;
      held = client.getJwksCache(config);

      const record = (jwt: string) => {
        const { kid, alg } = decodeProtectedHeader(jwt);
        issued.push({ kid: kid!, alg: alg!, receivedAt: Date.now(), expiresAt: decodeJwt(jwt).exp! * 1000 });
      };
      const deadline = Date.now() + (ROLLOVERS + 2) * INTERVAL_S * 1000;
      while (idTokenKids().size < ROLLOVERS + 1 && Date.now() < deadline) {
        const rp = relyingParty();
        // The library verifies the ID token's signature with the JWKS it holds, or fetches it when it has none.
        const tokens = await client.refreshTokenGrant(rp, refreshToken);
        refreshToken = tokens.refresh_token!;
        held = client.getJwksCache(rp) ?? held;
        record(tokens.id_token!);
        record(tokens.access_token);
        await sleep(200);
      }
      // Long enough for the first retired keys' tokens to expire and the keys to leave.
      await sleep((TOKEN_TTL_S + RELOAD_S + 2) * 1000);
    } finally {
      polling = false;
      await poller;
    }

    // Three rollovers, each verified by the relying party, whose every JWKS fetch succeeded.
    expect(idTokenKids().size).toBeGreaterThanOrEqual(ROLLOVERS + 1);
    expect(jwksFetches.length).toBeGreaterThan(0);
    expect(jwksFetches.every((fetched) => fetched.status === 200)).toBe(true);
    expect(jwksFetches.every((fetched) => fetched.maxAge === PUBLISH_AHEAD_S / 2)).toBe(true);

    const rows = await a.app
      .get(DataSource)
      .getRepository(SigningKeyEntity)
      .find({ order: { activatesAt: 'ASC' } });
    const byKid = new Map(rows.map((row) => [row.kid, row]));
    const [first] = rows;
    for (const kid of new Set(issued.map((token) => token.kid))) {
      const row = byKid.get(kid)!;
      const firstUse = Math.min(...issued.filter((token) => token.kid === kid).map((token) => token.receivedAt));
      // No token is signed with a key not yet published; a staged key is published a relying party's
      // whole cache lifetime (max-age) before anything it signs reaches one.
      expect(seen.get(kid)?.first).toBeLessThan(firstUse);
      if (row.activatesAt.getTime() !== first.activatesAt.getTime()) {
        expect(firstUse - seen.get(kid)!.first).toBeGreaterThanOrEqual((PUBLISH_AHEAD_S / 2) * 1000);
      }
    }

    // One rollover at a time: each generation is one key per algorithm, INTERVAL apart, staged once.
    const generations = [...new Set(rows.map((row) => row.activatesAt.getTime()))];
    expect(generations.length).toBeGreaterThanOrEqual(ROLLOVERS + 1);
    for (const at of generations) {
      expect(
        rows
          .filter((row) => row.activatesAt.getTime() === at)
          .map((row) => row.alg)
          .sort(),
      ).toEqual(['ES256', 'RS256']);
    }
    // On schedule: the interval after the one before (later only if every instance's check came late).
    for (let i = 2; i < generations.length; i++) {
      expect(generations[i] - generations[i - 1]).toBeGreaterThanOrEqual(INTERVAL_S * 1000);
      expect(generations[i] - generations[i - 1]).toBeLessThan((INTERVAL_S + 1) * 1000);
    }
    const staged = await a.app.get(DataSource).getRepository(AuditEventEntity).findBy({ type: 'keys.rotated' });
    expect(staged).toHaveLength(generations.length - 1);

    // A retired key stays published while tokens it signed live, and leaves once they have expired.
    // Those retired while this test watched: the first keys may have come and gone while the second instance started.
    const retired = rows.filter(
      (row) =>
        row.retiredAt &&
        row.retiredAt.getTime() > pollingSince &&
        row.retiredAt.getTime() + TOKEN_TTL_S * 1000 < Date.now() - (RELOAD_S + 2) * 1000,
    );
    expect(retired.length).toBeGreaterThanOrEqual(2);
    for (const row of retired) {
      const signed = issued.filter((token) => token.kid === row.kid);
      const lastExpiry = Math.max(row.retiredAt!.getTime(), ...signed.map((token) => token.expiresAt));
      const { last } = seen.get(row.kid)!;
      expect(last).toBeGreaterThanOrEqual(lastExpiry - 1000);
      // Gone within its tokens' lifetime, an instance's reload and the JWKS's one-second cache of its retirement.
      expect(last).toBeLessThan(row.retiredAt!.getTime() + (TOKEN_TTL_S + RELOAD_S + 1.5) * 1000);
      expect(row.privateKey).toBeNull();
    }
    const finalKeys = ((await (await fetch(`${b.url}/oauth/jwks`)).json()) as { keys: { kid: string }[] }).keys;
    for (const row of retired) expect(finalKeys.map((key) => key.kid)).not.toContain(row.kid);
  }, 120_000);
});
