import { Injectable } from '@nestjs/common';
import { validate } from 'class-validator';
import { EntityManager } from 'typeorm';
import { AuditOrigin } from '../audit/audit-event-types';
import { AuditService } from '../audit/audit.service';
import { SessionView } from '../auth/session.view';
import { UserSessionsService } from '../auth/user-sessions.service';
import { ClientsService } from '../clients/clients.service';
import { Page } from '../common/http/page';
import { InvalidRequestError, NotFoundError } from '../common/oauth/oauth.error';
import { ChangeCounters } from '../database/change-counters.service';
import { GrantStore } from '../grants/grant.store';
import { UserEntity } from '../users/entities/user.entity';
import { UserView, userView } from '../users/user.view';
import { NewUser, UsersService } from '../users/users.service';
import { NewPasswordDto } from './dto/new-password.dto';
import { GrantView } from './grant.view';

/** What an administrator may change of an account; every field optional. */
export interface AccountChanges {
  name?: string;
  email?: string;
  disabled?: boolean;
  admin?: boolean;
  password?: string;
}

const isEnabledAdmin = (user: UserEntity) => user.isAdmin && !user.disabledAt;

/**
 * What happens to a user's account as a whole, for the admin API, the CLI and the user's own
 * account page. A disabled account, or one whose password an administrator has set, keeps none
 * of what it allowed before: its grants and browser sessions end with the change, in the same
 * transaction, and with the grants every token descended from them, on every instance at once.
 * No change may leave the provider without an enabled administrator. `by` says who asks, for the
 * audit trail.
 */
@Injectable()
export class UserAccountsService {
  constructor(
    private readonly users: UsersService,
    private readonly grants: GrantStore,
    private readonly clients: ClientsService,
    private readonly counters: ChangeCounters,
    private readonly audit: AuditService,
    private readonly sessions: UserSessionsService,
  ) {}

  async create(input: NewUser, by: AuditOrigin = {}): Promise<UserView> {
    const user = await this.users.create(input);
    await this.audit.record({
      type: 'user.created',
      ...by,
      detail: { user_id: user.id, username: user.username, admin: user.isAdmin },
    });
    return userView(user);
  }

  async list(limit: number, offset: number, q?: string): Promise<Page<UserView>> {
    const { items, total } = await this.users.list(limit, offset, q);
    return { items: items.map(userView), total };
  }

  async get(userId: string): Promise<UserView> {
    return userView(await this.require(userId));
  }

  /** Disables the user: no more sign-in, no more refresh, and every grant ends. Disabling twice changes nothing more. */
  async disable(userId: string, by: AuditOrigin = {}): Promise<void> {
    await this.change(userId, { disabled: true }, by);
  }

  /** Sets a new password; every grant of the user ends, as whoever held the old one may have made them. */
  async changePassword(userId: string, newPassword: string, by: AuditOrigin = {}): Promise<void> {
    await this.change(userId, { password: newPassword }, by);
  }

  /**
   * Changes the given fields in one transaction, counted as a change to users (every instance
   * drops the users it holds: who is disabled or an administrator is read at every refresh).
   * Disabling, a new password, or taking the admin role also ends every grant of the user,
   * counted as a revocation: no token obtained before, an `admin` access token included, serves on.
   */
  async change(userId: string, changes: AccountChanges, by: AuditOrigin = {}): Promise<UserView> {
    // Hashed before the transaction, as it takes a while.
    const passwordHash = changes.password === undefined ? undefined : await this.users.hashPassword(changes.password);
    const mayEndGrants = changes.disabled === true || passwordHash !== undefined || changes.admin === false;
    const user = await this.counters.counted(mayEndGrants ? ['revocations', 'users'] : 'users', async (manager) => {
      const user = await this.requireIn(manager, userId);
      const wasEnabledAdmin = isEnabledAdmin(user);
      const losesAdmin = user.isAdmin && changes.admin === false;
      user.name = changes.name ?? user.name;
      user.email = changes.email ?? user.email;
      user.isAdmin = changes.admin ?? user.isAdmin;
      if (changes.disabled !== undefined) user.disabledAt = changes.disabled ? (user.disabledAt ?? new Date()) : null;
      user.passwordHash = passwordHash ?? user.passwordHash;
      await this.users.save(manager, user);
      if (changes.disabled === true || passwordHash !== undefined || losesAdmin) {
        await this.grants.revokeAllOf(manager, userId);
      }
      if (changes.disabled === true || passwordHash !== undefined) {
        await this.sessions.endAllOf(userId, { manager });
      }
      if (wasEnabledAdmin && !isEnabledAdmin(user)) await this.keepAnAdmin(manager);
      return user;
    });
    const fields = Object.keys(changes).filter((k) => changes[k as keyof AccountChanges] !== undefined);
    await this.audit.record({
      type: 'user.updated',
      ...by,
      detail: {
        user_id: userId,
        fields,
        ...(changes.disabled !== undefined && { disabled: changes.disabled }),
        ...(changes.admin !== undefined && { admin: changes.admin }),
      },
    });
    return userView(user);
  }

  /**
   * Deletes the user; the foreign keys take the user's grants, codes and refresh tokens along, and
   * the user's browser sessions end.
   * Counted as a change to users and as a revocation: every instance drops the user and the
   * grants it holds, and the user's access tokens introspect inactive at once.
   */
  async delete(userId: string, by: AuditOrigin = {}): Promise<void> {
    const user = await this.counters.counted(['revocations', 'users'], async (manager) => {
      const user = await this.requireIn(manager, userId);
      await this.users.delete(manager, userId);
      await this.sessions.endAllOf(userId, { manager });
      if (isEnabledAdmin(user)) await this.keepAnAdmin(manager);
      return user;
    });
    await this.audit.record({ type: 'user.deleted', ...by, detail: { user_id: userId, username: user.username } });
  }

  /** The user's live grants, newest first, each with the name of its client. */
  async grantsOf(userId: string): Promise<GrantView[]> {
    await this.require(userId);
    const grants = await this.grants.activeOf(userId);
    return Promise.all(
      grants.map(async (grant) => ({
        id: grant.id,
        client_id: grant.clientId,
        client_name: (await this.clients.findById(grant.clientId))?.name ?? null,
        scope: grant.scope,
        created_at: grant.createdAt.toISOString(),
      })),
    );
  }

  /** Revokes one live grant of the user: its refresh tokens stop, its access tokens introspect inactive at once. */
  async revokeGrant(userId: string, grantId: string, by: AuditOrigin = {}): Promise<void> {
    await this.require(userId);
    const grant = await this.grants.findActive(grantId);
    // Exactly this id (MySQL's collations would find it in another case), and only a grant of this user.
    if (grant?.id !== grantId || grant.userId !== userId) throw new NotFoundError('no such grant of this user');
    await this.grants.revoke(grantId);
    await this.audit.record({
      type: 'grant.revoked',
      ...by,
      clientId: grant.clientId,
      detail: { user_id: userId, grant_id: grantId },
    });
  }

  /**
   * The user's own new password, once the caller has proved the current one (the account page,
   * within the sign-in limits). Whoever else is signed in as the user (another browser, someone
   * who learnt the old password) is signed out, on every instance at once; the session asking
   * (`keepSessionId`) stays. The applications the user connected keep their grants: the user
   * chose them and sees them on the account page, where each can be removed. A new password the
   * rules refuse changes nothing.
   */
  async changeOwnPassword(userId: string, newPassword: unknown, keepSessionId: string, by: AuditOrigin = {}) {
    const [problem] = await validate(Object.assign(new NewPasswordDto(), { password: newPassword }));
    if (problem) throw new InvalidRequestError(`The new ${Object.values(problem.constraints ?? {})[0]}.`);
    const passwordHash = await this.users.hashPassword(newPassword as string);
    await this.counters.counted('users', async (manager) => {
      const user = await this.requireIn(manager, userId);
      user.passwordHash = passwordHash;
      await this.users.save(manager, user);
      await this.sessions.endAllOf(userId, { except: keepSessionId, manager });
    });
    await this.audit.record({ type: 'user.updated', ...by, detail: { user_id: userId, fields: ['password'] } });
  }

  /** The user's live browser sessions, newest first. */
  async sessionsOf(userId: string): Promise<SessionView[]> {
    await this.require(userId);
    return this.sessions.liveOf(userId);
  }

  /** Ends one live session of the user: its next request, on any instance, is signed out. */
  async endSession(userId: string, sessionId: string, by: AuditOrigin = {}): Promise<void> {
    await this.require(userId);
    if (!(await this.sessions.end(userId, sessionId))) throw new NotFoundError('no such session of this user');
    await this.audit.record({ type: 'session.revoked', ...by, detail: { user_id: userId, session_id: sessionId } });
  }

  /** Ends every session of the user, on every instance at once. */
  async endAllSessions(userId: string, by: AuditOrigin = {}): Promise<void> {
    const sessions = await this.sessions.endAllOf(userId);
    await this.audit.record({ type: 'session.revoked', ...by, detail: { user_id: userId, sessions } });
  }

  private async require(userId: string): Promise<UserEntity> {
    const user = await this.users.findById(userId);
    if (user?.id !== userId) throw new NotFoundError('no such user');
    return user;
  }

  private async requireIn(manager: EntityManager, userId: string): Promise<UserEntity> {
    const user = await this.users.read(manager, userId);
    if (!user) throw new NotFoundError('no such user');
    return user;
  }

  /** Refuses, and so rolls back, a change that leaves no administrator able to sign in. */
  private async keepAnAdmin(manager: EntityManager): Promise<void> {
    if ((await this.users.countEnabledAdmins(manager)) === 0) {
      throw new InvalidRequestError(
        'this would leave no enabled administrator; make another user an administrator first',
      );
    }
  }
}
