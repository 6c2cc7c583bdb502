import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { AuditEventEntity } from '../src/audit/audit-event.entity';
import { createTestApp, TestApp } from './helpers/create-test-app';
import { hiddenFields } from './helpers/oauth-client';
import * as oauth from './helpers/partner';

/** Every test request reaches the app from 127.0.0.1, as from a proxy on this host. */
const PEER = '127.0.0.1';

/**
 * One app at a time: passport keeps one global registry of strategies, so a second app alive
 * beside the first would take over its login strategy.
 */
async function withApp(env: Record<string, string>, test: (t: TestApp) => Promise<void>): Promise<void> {
  const t = await createTestApp(env);
  try {
    await test(t);
  } finally {
    await t.close();
  }
}

/** The address the app takes a token request to come from, as its audit trail records it. */
async function clientAddress(t: TestApp, forwardedFor: string): Promise<string | null> {
  const client = await t.createClient({ grant_types: ['client_credentials'], scope: 'read', redirect_uris: [] });
  await oauth
    .token(t.http(), client, { grant_type: 'client_credentials' })
    .set('X-Forwarded-For', forwardedFor)
    .expect(200);
  const event = await t.app
    .get(DataSource)
    .getRepository(AuditEventEntity)
    .findOneOrFail({ where: { type: 'token.issued', clientId: client.client_id }, order: { id: 'DESC' } });
  return event.ip;
}

/** Signs in through the login page as if over https behind a proxy; the session cookie line it got, if any. */
async function sessionCookieOverHttps(t: TestApp): Promise<string | undefined> {
  const user = await t.createUser();
  const cookies = (res: Response) => ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  // Cookies are sent by hand: supertest's jar rightly keeps Secure cookies off plain-http requests.
  const page = await t.http().get('/login').set('X-Forwarded-Proto', 'https').expect(200);
  const res = await t
    .http()
    .post('/login')
    .set('X-Forwarded-Proto', 'https')
    .set(
      'Cookie',
      cookies(page).map((line) => line.split(';')[0]),
    )
    .type('form')
    .send({ ...hiddenFields(page.text), username: user.username, password: user.password });
  return cookies(res).find((line) => line.startsWith('sid='));
}

describe('TRUST_PROXY', () => {
  it('loopback (the default): a proxy on this host names the client', async () => {
    await withApp({}, async (t) => {
      expect(await clientAddress(t, '203.0.113.7')).toBe('203.0.113.7');
    });
  });

  it('false: X-Forwarded-For is ignored, the client is the TCP peer', async () => {
    await withApp({ TRUST_PROXY: 'false' }, async (t) => {
      expect(await clientAddress(t, '203.0.113.7')).toBe(PEER);
    });
  });

  it('a list of addresses and ranges that does not hold the peer: X-Forwarded-For is ignored', async () => {
    await withApp({ TRUST_PROXY: '10.0.0.5, 192.168.0.0/16' }, async (t) => {
      expect(await clientAddress(t, '203.0.113.7')).toBe(PEER);
    });
  });

  it('a list whose range holds the peer: the proxy names the client, and proxies in the list are skipped', async () => {
    await withApp({ TRUST_PROXY: '10.0.0.0/8,127.0.0.0/8' }, async (t) => {
      expect(await clientAddress(t, '203.0.113.7')).toBe('203.0.113.7');
      // The client claims an address; the proxy at 10.1.2.3 (trusted) adds the client it saw.
      expect(await clientAddress(t, '198.51.100.1, 203.0.113.7, 10.1.2.3')).toBe('203.0.113.7');
    });
  });

  it('a hop count of 1: only the last X-Forwarded-For entry counts, whatever the client put before it', async () => {
    await withApp({ TRUST_PROXY: '1' }, async (t) => {
      expect(await clientAddress(t, '198.51.100.1, 203.0.113.7')).toBe('203.0.113.7');
    });
  });

  it('a hop count of 2: the last two entries are proxies', async () => {
    await withApp({ TRUST_PROXY: '2' }, async (t) => {
      expect(await clientAddress(t, '198.51.100.1, 203.0.113.7, 10.1.2.3')).toBe('203.0.113.7');
    });
  });

  it('sets the Secure session cookie of an https issuer when a trusted proxy says the request came over https', async () => {
    await withApp({ ISSUER: 'https://id.example', TRUST_PROXY: '127.0.0.1' }, async (t) => {
      expect((await sessionCookieOverHttps(t))?.toLowerCase()).toContain('secure');
    });
  });

  it('does not take X-Forwarded-Proto from an untrusted peer: no Secure session cookie over plain http', async () => {
    await withApp({ ISSUER: 'https://id.example', TRUST_PROXY: '10.0.0.5' }, async (t) => {
      expect(await sessionCookieOverHttps(t)).toBeUndefined();
    });
  });
});
