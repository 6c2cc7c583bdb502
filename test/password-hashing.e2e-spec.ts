import { ClientWithSecret } from '../src/clients/clients.service';
import { createTestApp, TestApp, uniqueName } from './helpers/create-test-app';
import { hiddenFields } from './helpers/oauth-client';
import * as oauth from './helpers/partner';

describe('sign-ins and token issuance side by side', () => {
  let t: TestApp;
  let client: ClientWithSecret;

  beforeAll(async () => {
    t = await createTestApp();
    client = await t.createClient({ grant_types: ['client_credentials'], scope: 'read', redirect_uris: [] });
  });
  afterAll(() => t.close());

  /** How long one client_credentials token takes, in milliseconds. */
  async function tokenLatency(): Promise<number> {
    const start = performance.now();
    await oauth.token(t.http(), client, { grant_type: 'client_credentials' }).expect(200);
    return performance.now() - start;
  }

  it('keeps issuing tokens while 16 sign-ins are hashing passwords: none waits for the hashes', async () => {
    for (let i = 0; i < 5; i += 1) await tokenLatency(); // warm-up

    // 16 login forms, each from its own browser and for its own username (so that no back-off
    // skips the hash), posted at once.
    const forms = await Promise.all(
      Array.from({ length: 16 }, async () => {
        const browser = t.browser();
        return { browser, fields: hiddenFields((await browser.get('/login').expect(200)).text) };
      }),
    );
    const start = performance.now();
    let floodMs = 0;
    const flood = Promise.all(
      forms.map(({ browser, fields }) =>
        browser
          .post('/login')
          .type('form')
          .send({ ...fields, username: uniqueName('nobody'), password: 'wrong password' })
          .expect(401),
      ),
    ).finally(() => (floodMs = performance.now() - start));
    const latencies: number[] = [];
    while (!floodMs) latencies.push(await tokenLatency());
    await flood;

    // Queued on the same threads as the hashes, a token's signature waits for most of them: its
    // wait is then about as long as the whole flood. Kept apart, the longest wait is a fraction
    // of it, however loaded the machine (its cores are shared with the hashing thread).
    expect(Math.max(...latencies)).toBeLessThan(floodMs / 4);
    expect(latencies.length).toBeGreaterThan(16);
  });
});
