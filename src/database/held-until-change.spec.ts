import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { privateDatabase } from '../../test/helpers/database-state';
import { ClientEntity } from '../clients/entities/client.entity';
import { ChangeCounterEntity, ChangeCounterName } from './change-counter.entity';
import { ChangeCounters } from './change-counters.service';
import { TransactionsService } from './transactions.service';
import { dataSourceOptions, openDataSource } from './data-source-options';
import { HeldUntilChange } from './held-until-change';

// Two connections to one database (a SQLite file, or a MySQL/MariaDB database of this file's own,
// where no other test file's changes move the counters), as two instances or an instance and the
// CLI have; the real migrations and the real counters.
describe('HeldUntilChange', () => {
  let dir: string;
  let here: DataSource;
  let elsewhere: DataSource;
  let database: Awaited<ReturnType<typeof privateDatabase>>;
  let clientId: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'held-until-change-'));
    database = await privateDatabase('held');
    const url = database.env.DATABASE_URL ?? `sqlite:${join(dir, 'provider.sqlite')}`;
    here = await openDataSource(dataSourceOptions(url));
    elsewhere = await openDataSource(dataSourceOptions(url));
  });
  afterAll(async () => {
    await here?.destroy();
    await elsewhere?.destroy();
    await database?.drop();
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

  const counters = (on: DataSource) =>
    new ChangeCounters(on.getRepository(ChangeCounterEntity), new TransactionsService(on));
  const heldClients = () => new HeldUntilChange<ClientEntity>(counters(here), ['clients'], 100);

  /** Clients held on `here`, and the reads of the clients table it asks for. */
  function cacheHere() {
    const cache = heldClients();
    const reads: string[] = [];
    const read = (id: string) => () => {
      reads.push(id);
      return here.getRepository(ClientEntity).findOneBy({ clientId: id });
    };
    return { reads, get: (id = clientId) => cache.get(id, read(id)) };
  }

  /** A change made through the other connection, counted as ClientsService counts one. */
  async function changeElsewhere(scope: string): Promise<void> {
    await counters(elsewhere).counted('clients', (manager) => manager.update(ClientEntity, { clientId }, { scope }));
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
    const cache = heldClients();
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

  it('keeps what it holds when a change of another kind is counted', async () => {
    const cache = cacheHere();
    await cache.get();
    await counters(elsewhere).counted('revocations', async () => undefined);
    await cache.get();
    expect(cache.reads).toEqual([clientId]);
  });

  it('drops what it holds when a change counted only if made was made, and keeps it when there was nothing to change', async () => {
    const cache = cacheHere();
    await cache.get();
    await counters(elsewhere).countedIfChanged('clients', async () => false);
    await cache.get();
    expect(cache.reads).toEqual([clientId]);
    await counters(elsewhere).countedIfChanged('clients', async () => true);
    await cache.get();
    expect(cache.reads).toEqual([clientId, clientId]);
  });

  it('holds nothing that `keep` refuses, nor anything when a counter it depends on is missing', async () => {
    const read = () => here.getRepository(ClientEntity).findOneBy({ clientId });
    const refusing = heldClients();
    const missing = new HeldUntilChange<ClientEntity>(counters(here), ['no-such-counter' as ChangeCounterName], 100);
    for (const cache of [refusing, missing]) {
      let reads = 0;
      const counted = () => {
        reads += 1;
        return read();
      };
      await cache.get(clientId, counted, () => cache !== refusing);
      await cache.get(clientId, counted, () => cache !== refusing);
      expect(reads).toBe(2);
    }
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
