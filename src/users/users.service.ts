import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { PasswordHasher } from '../common/crypto/password-hasher';
import { ChangeCounters } from '../database/change-counters.service';
import { HeldUntilChange } from '../database/held-until-change';
import { RowReader } from '../database/row-reader';
import { UserEntity } from './entities/user.entity';

export interface NewUser {
  username: string;
  password: string;
  email?: string;
  name?: string;
  isAdmin?: boolean;
}

export class UsernameTakenError extends Error {
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
    return this.users.save(
      this.users.create({
        id: randomUUID(),
        username: input.username,
        passwordHash: await this.hashPassword(input.password),
        email: input.email ?? null,
        name: input.name ?? null,
        isAdmin: input.isAdmin ?? false,
      }),
    );
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

  /** Disables the user, in the caller's transaction (one disabled already stays as it is); false if there is no such user. */
  async disable(manager: EntityManager, id: string): Promise<boolean> {
    const { affected } = await manager.update(UserEntity, { id, disabledAt: IsNull() }, { disabledAt: new Date() });
    return !!affected || manager.existsBy(UserEntity, { id });
  }

  /** The digest a new password is stored as: computed before the transaction that stores it, as it takes a while. */
  hashPassword(password: string): Promise<string> {
    return this.passwords.hash(password);
  }

  /** Stores a new password digest (hashPassword()), in the caller's transaction; false if there is no such user. */
  async setPasswordHash(manager: EntityManager, id: string, passwordHash: string): Promise<boolean> {
    const { affected } = await manager.update(UserEntity, { id }, { passwordHash });
    return !!affected;
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
