import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { ChangeCounters } from '../database/change-counters.service';
import { contains } from '../database/contains';
import { HeldUntilChange } from '../database/held-until-change';
import { RowReader } from '../database/row-reader';
import { ClientEntity } from './entities/client.entity';

/** At most this many clients are held in memory; past it, the longest held goes first. */
const CLIENTS_HELD = 10_000;

/**
 * Where clients are kept, with the SHA-256 digest of their secret (the secret itself never reaches
 * storage). Every token, introspection and revocation request reads its client, so clients are held
 * in memory until a change to any client is counted anywhere (HeldUntilChange); every change here
 * is counted. Each write is a transaction of its own through TransactionsService
 * (ChangeCounters.counted), which runs again what a database cluster refused at COMMIT.
 */
@Injectable()
export class ClientStore {
  private readonly byId: RowReader<ClientEntity>;
  private readonly held: HeldUntilChange<ClientEntity>;

  constructor(
    @InjectRepository(ClientEntity) private readonly clients: Repository<ClientEntity>,
    private readonly counters: ChangeCounters,
  ) {
    this.byId = new RowReader(clients, ['clientId']);
    this.held = new HeldUntilChange(counters, ['clients'], CLIENTS_HELD);
  }

  /**
   * The client with exactly this id, frozen: from memory while no client has changed anywhere since
   * it was read, else one statement (then held). Null if none.
   */
  findById(clientId: string): Promise<ClientEntity | null> {
    return this.held.get(clientId, () => this.read(clientId));
  }

  /**
   * The client with exactly this id as committed now, never from memory, free to change and save().
   * MySQL's default collations compare case-insensitively and ignore trailing spaces, so the row
   * the database finds is checked again here: a client_id in another case or with trailing spaces
   * names no client, on every database.
   */
  async read(clientId: string): Promise<ClientEntity | null> {
    const client = await this.byId.findOne(clientId);
    return client?.clientId === clientId ? client : null;
  }

  /** A page of clients, oldest first, and how many match; `q` is a substring of the name or the client_id. */
  async list(limit: number, offset: number, q?: string): Promise<{ items: ClientEntity[]; total: number }> {
    const pattern = contains(q);
    const [items, total] = await this.clients.findAndCount({
      where: pattern && [{ name: pattern }, { clientId: pattern }],
      order: { createdAt: 'ASC', clientId: 'ASC' },
      take: limit,
      skip: offset,
    });
    return { items, total };
  }

  /** How many clients may ask for any of these scopes, as `manager`'s transaction sees them. */
  async countHolding(manager: EntityManager, scopes: string[]): Promise<number> {
    const wanted = new Set(scopes);
    const clients = await manager.find(ClientEntity, { select: { clientId: true, scope: true } });
    return clients.filter((client) => client.scope.split(' ').some((scope) => wanted.has(scope))).length;
  }

  /** How many clients have the API with this identifier as their default resource, as `manager`'s transaction sees them. */
  countDefaultingTo(manager: EntityManager, identifier: string): Promise<number> {
    return manager.countBy(ClientEntity, { defaultResource: identifier });
  }

  /**
   * Inserts or updates the client and counts a change to clients, in one transaction: once the
   * promise resolves, no instance answers the client as it was. Answers the client as saved.
   */
  save(client: ClientEntity): Promise<ClientEntity> {
    return this.counters.counted('clients', (manager) => manager.save(client));
  }

  /**
   * Inserts a new client, never changing one, and counts a change to clients, in one transaction.
   * A client_id the database holds already (on MySQL, in any letter case) is refused with its
   * unique-violation error (isUniqueViolation).
   */
  async insert(client: ClientEntity): Promise<void> {
    await this.counters.counted('clients', (manager) => manager.insert(ClientEntity, client));
  }

  /**
   * Deletes the client with this id, and by the foreign keys its codes, grants and tokens, and
   * counts a change to clients, in one transaction. False if there was no such client.
   */
  async delete(clientId: string): Promise<boolean> {
    const { affected } = await this.counters.counted('clients', (manager) =>
      manager.delete(ClientEntity, { clientId }),
    );
    return !!affected;
  }
}
