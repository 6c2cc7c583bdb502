import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { PasswordHasher } from '../common/crypto/password-hasher';
import { InvalidRequestError } from '../common/oauth/oauth.error';
import { ChangeCounters } from '../database/change-counters.service';
import { contains } from '../database/contains';
import { HeldUntilChange } from '../database/held-until-change';
import { RowReader } from '../database/row-reader';
import { isUniqueViolation } from '../database/unique-violation';
import { TransactionsService } from '../database/transactions.service';
import { UserEntity } from './entities/user.entity';

export interface NewUser {
  username: string;
  password: string;
  email?: string;
  name?: string;
  isAdmin?: boolean;
}

/** A 400 at the admin API, one line at the CLI. */
export class UsernameTakenError extends InvalidRequestError {
  constructor(username: string) {
    super(`username "${username}" is already taken`);
  }
}

/** At most this many users are held in memory; past it, the longest held goes first. */
const USERS_HELD = 10_000;

@Injectable()
export class UsersService implements OnModuleInit {
  /** Verified against when the username is unknown, so that both cases take the same time. */
  private dummyHash: string;
  private readonly byId: RowReader<UserEntity>;
  /**
   * Active users, as every refresh and code exchange reads the user behind the grant. A change to
   * what these reads decide (disabled, administrator or not) must be counted as a change to
   * `users` (UserAccountsService does): every instance then drops what it holds.
   */
  private readonly active: HeldUntilChange<UserEntity>;

  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly passwords: PasswordHasher,
    private readonly transactions: TransactionsService,
    counters: ChangeCounters,
  ) {
    this.byId = new RowReader(users, ['id']);
    this.active = new HeldUntilChange(counters, ['users'], USERS_HELD);
  }

  async onModuleInit(): Promise<void> {
    this.dummyHash = await this.passwords.hash('not a password');
  }

  async create(input: NewUser): Promise<UserEntity> {
    if (await this.users.existsBy({ username: input.username })) throw new UsernameTakenError(input.username);
    // The unique index decides between two that asked for the same name at once.
    const user = this.users.create({
      id: randomUUID(),
      username: input.username,
      passwordHash: await this.hashPassword(input.password),
      email: input.email ?? null,
      name: input.name ?? null,
      isAdmin: input.isAdmin ?? false,
      // Set here, not by the column default, which keeps only whole seconds on SQLite: the newest first, to the millisecond.
      createdAt: new Date(),
    });
    // One INSERT, where save() would read first: on SQLite a transaction that has read cannot wait
    // for another process's write (the CLI beside a running provider) and fails at once.
    await this.transactions
      .write((manager) => manager.insert(UserEntity, user))
      .catch((error: unknown) => {
        throw isUniqueViolation(error) ? new UsernameTakenError(input.username) : error;
      });
    return user;
  }

  /** A page of users, newest first, and how many match; `q` is a substring of the username, name or email. */
  async list(limit: number, offset: number, q?: string): Promise<{ items: UserEntity[]; total: number }> {
    const pattern = contains(q);
    const [items, total] = await this.users.findAndCount({
      where: pattern && [{ username: pattern }, { name: pattern }, { email: pattern }],
      order: { createdAt: 'DESC', id: 'ASC' },
      take: limit,
      skip: offset,
    });
    return { items, total };
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  /** The user, unless gone or disabled: who may still hold grants. Held until users change anywhere; frozen. */
  async findActive(id: string): Promise<UserEntity | null> {
    const user = await this.active.get(
      id,
      () => this.byId.findOne(id),
      (found) => !found.disabledAt,
    );
    return user && !user.disabledAt ? user : null;
  }

  /** The user as committed now, in the caller's transaction, to change it there. */
  async read(manager: EntityManager, id: string): Promise<UserEntity | null> {
    // Checked again: MySQL's collations would find the user by an id in another case.
    const user = await manager.findOneBy(UserEntity, { id });
    return user?.id === id ? user : null;
  }

  /** Stores the user as changed, in the caller's transaction. */
  async save(manager: EntityManager, user: UserEntity): Promise<void> {
    await manager.save(user);
  }

  /** Deletes the user, in the caller's transaction; the foreign keys take the user's grants, codes and tokens along. */
  async delete(manager: EntityManager, id: string): Promise<void> {
    await manager.delete(UserEntity, { id });
  }

  /** How many administrators may still sign in, in the caller's transaction. */
  countEnabledAdmins(manager: EntityManager): Promise<number> {
    return manager.countBy(UserEntity, { isAdmin: true, disabledAt: IsNull() });
  }

  /** The digest a new password is stored as: computed before the transaction that stores it, as it takes a while. */
  hashPassword(password: string): Promise<string> {
    return this.passwords.hash(password);
  }

  /**
   * The user with exactly this username. MySQL's default collations compare case-insensitively
   * and ignore trailing spaces, so the row the database finds is checked again here: on every
   * database "ALICE" and "alice " are not "alice" (SECURITY.md 32: nothing matches by accident).
   */
  async findByUsername(username: string): Promise<UserEntity | null> {
    const user = await this.users.findOneBy({ username });
    return user?.username === username ? user : null;
  }

  /**
   * The user whose credentials these are, or null; unknown users cost as much as wrong passwords,
   * and a disabled user is answered as a wrong password, after the same work.
   */
  async verifyCredentials(username: unknown, password: unknown): Promise<UserEntity | null> {
    if (
      typeof username !== 'string' ||
      typeof password !== 'string' ||
      username.length > 255 ||
      password.length > 1024
    ) {
      await this.passwords.verify('', this.dummyHash);
      return null;
    }
    const user = await this.findByUsername(username);
    const valid = await this.passwords.verify(password, user?.passwordHash ?? this.dummyHash);
    return user && valid && !user.disabledAt ? user : null;
  }
}
