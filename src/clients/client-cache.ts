import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { RowReader } from '../database/row-reader';
import { ClientRevisionEntity } from './entities/client-revision.entity';
import { ClientEntity } from './entities/client.entity';

/** At most this many clients are held; past it, the longest held goes first. */
const CLIENTS_KEPT = 10_000;

/**
 * The clients that token, introspection, revocation and authorization requests read, held in
 * memory so that a request costs no read of its client, while a change made anywhere (another
 * instance, the CLI) is seen at once (SECURITY 29, 38).
 *
 * Each change to clients raises one counter in the transaction that makes it (changed()). Before
 * answering from memory, a request waits for a read of that counter started after it arrived:
 * one read serves all the requests that arrived in the same turn of the event loop. If the
 * counter has moved, everything held is dropped. So whatever was committed before a request
 * arrived is what it sees, at the cost of one small read per turn instead of one per request.
 * Clients not found are never held.
 */
@Injectable()
export class ClientCache {
  private readonly clients = new Map<string, ClientEntity>();
  private readonly revisionRow: RowReader<ClientRevisionEntity>;
  /** The counter as last read; undefined before the first read. */
  private revision?: number;
  /** Raised whenever the held clients are dropped: a read that began before must not be kept. */
  private generation = 0;
  /** The counter read the requests of this turn wait for; it starts once this turn is over. */
  private nextCheck?: Promise<void>;

  constructor(@InjectRepository(ClientRevisionEntity) revisions: Repository<ClientRevisionEntity>) {
    this.revisionRow = new RowReader(revisions, ['id']);
  }

  /** The client with this id as it stands now: from memory, or through `read` (then held). Frozen: never change it. */
  async get(clientId: string, read: () => Promise<ClientEntity | null>): Promise<ClientEntity | null> {
    await this.upToDate();
    const held = this.clients.get(clientId);
    if (held) return held;
    const generation = this.generation;
    const client = await read();
    if (client && generation === this.generation) this.hold(client);
    return client;
  }

  /** Records a change to clients; to be called in the transaction that makes it. */
  async changed(manager: EntityManager): Promise<void> {
    await manager.increment(ClientRevisionEntity, { id: 1 }, 'revision', 1);
  }

  private upToDate(): Promise<void> {
    this.nextCheck ??= new Promise((resolve, reject) =>
      setImmediate(() => {
        // Requests arriving from now on wait for a read of their own, started after them.
        this.nextCheck = undefined;
        this.check().then(resolve, reject);
      }),
    );
    return this.nextCheck;
  }

  private async check(): Promise<void> {
    const row = await this.revisionRow.findOne(1);
    // A missing row reads as NaN, which equals nothing: then nothing is ever held for long.
    const revision = row ? Number(row.revision) : NaN;
    if (revision === this.revision) return;
    this.clients.clear();
    this.generation += 1;
    this.revision = revision;
  }

  private hold(client: ClientEntity): void {
    if (this.clients.size >= CLIENTS_KEPT) this.clients.delete(this.clients.keys().next().value as string);
    for (const value of Object.values(client)) if (Array.isArray(value)) Object.freeze(value);
    this.clients.set(client.clientId, Object.freeze(client));
  }
}
