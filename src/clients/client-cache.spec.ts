import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../database/data-source-options';
import { ClientCache } from './client-cache';
import { ClientRevisionEntity } from './entities/client-revision.entity';
import { ClientEntity } from './entities/client.entity';

// Two connections to one database (a SQLite file, or DATABASE_URL's MySQL/MariaDB), as two instances or
// an instance and the CLI have; the real migrations and the real counter.
describe('ClientCache', () => {
  let dir: string;
  let here: DataSource;
  let elsewhere: DataSource;
  let clientId: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'client-cache-'));
    const shared = process.env.DATABASE_URL;
    const url = shared?.startsWith('mysql://') ? shared : `sqlite:${join(dir, 'provider.sqlite')}`;
    here = await new DataSource(dataSourceOptions(url)).initialize();
    elsewhere = await new DataSource(dataSourceOptions(url)).initialize();
  });
  afterAll(async () => {
    await here?.destroy();
    await elsewhere?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    clientId = randomBytes(12).toString('hex');
    await here.getRepository(ClientEntity).save({
      clientId,
      secretHash: 'a'.repeat(64),
      name: 'Cached',
      redirectUris: ['https://partner.example/cb'],
      postLogoutRedirectUris: null,
      grantTypes: ['client_credentials'],
      scope: 'api',
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
  });

  /** A cache on `here`, and the reads of the clients table it asks for. */
  function cacheHere() {
    const cache = new ClientCache(here.getRepository(ClientRevisionEntity));
    const reads: string[] = [];
    const read = (id: string) => () => {
      reads.push(id);
      return here.getRepository(ClientEntity).findOneBy({ clientId: id });
    };
    return { reads, get: (id = clientId) => cache.get(id, read(id)) };
  }

  /** A change made through the other connection, recorded as ClientsService records one. */
  async function changeElsewhere(scope: string): Promise<void> {
    const theirs = new ClientCache(elsewhere.getRepository(ClientRevisionEntity));
    await elsewhere.transaction(async (manager) => {
      await manager.update(ClientEntity, { clientId }, { scope });
      await theirs.changed(manager);
    });
  }

  it('reads a client once while no client changes, and answers the same from memory', async () => {
    const cache = cacheHere();
    const first = await cache.get();
    const again = await Promise.all([cache.get(), cache.get()]);
    expect(cache.reads).toEqual([clientId]);
    expect(again).toEqual([first, first]);
    expect(first).toMatchObject({ clientId, scope: 'api', grantTypes: ['client_credentials'] });
  });

  it('sees at once a change committed on another connection before the request', async () => {
    const cache = cacheHere();
    expect((await cache.get())!.scope).toBe('api');
    await changeElsewhere('api admin');
    expect((await cache.get())!.scope).toBe('api admin');
    expect(cache.reads).toEqual([clientId, clientId]);
  });

  it('does not keep a client it read before a change that a later request saw', async () => {
    const cache = new ClientCache(here.getRepository(ClientRevisionEntity));
    const readClient = () => here.getRepository(ClientEntity).findOneBy({ clientId });
    let readDone!: () => void;
    const hasRead = new Promise<void>((resolve) => (readDone = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    // A request reads the client, and its answer is slow to come back...
    const slow = cache.get(clientId, async () => {
      const client = await readClient();
      readDone();
      await released;
      return client;
    });
    await hasRead;
    // ...meanwhile the client changes, and a later request sees the change.
    await changeElsewhere('api changed');
    expect((await cache.get(clientId, readClient))!.scope).toBe('api changed');
    release();
    expect((await slow)!.scope).toBe('api');
    // What the slow read returned was not kept over what the later one read.
    const held = await cache.get(clientId, () => Promise.reject(new Error('not held')));
    expect(held!.scope).toBe('api changed');
  });

  it('never holds a client that was not found', async () => {
    const cache = cacheHere();
    expect(await cache.get('no-such-client')).toBeNull();
    expect(await cache.get('no-such-client')).toBeNull();
    expect(cache.reads).toEqual(['no-such-client', 'no-such-client']);
  });

  it('hands out clients that cannot be changed by mistake', async () => {
    const client = (await cacheHere().get())!;
    expect(() => Object.assign(client, { scope: 'admin' })).toThrow(TypeError);
    expect(() => client.grantTypes.push('authorization_code')).toThrow(TypeError);
  });
});
