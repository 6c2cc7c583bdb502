import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { NotFoundError } from '../common/oauth/oauth.error';
import { ChangeCounters } from '../database/change-counters.service';
import { GrantStore } from '../grants/grant.store';
import { UsersService } from '../users/users.service';

/**
 * What happens to a user's account as a whole. A disabled account, or one whose password has
 * changed, keeps none of what it allowed before: its grants end with the change, in the same
 * transaction, and with them every token descended from them, on every instance at once.
 */
@Injectable()
export class UserAccountsService {
  constructor(
    private readonly users: UsersService,
    private readonly grants: GrantStore,
    private readonly counters: ChangeCounters,
  ) {}

  /** Disables the user: no more sign-in, no more refresh, and every grant ends. Disabling twice changes nothing more. */
  async disable(userId: string): Promise<void> {
    await this.endingGrants(userId, async (manager) => {
      if (!(await this.users.disable(manager, userId))) throw new NotFoundError('no such user');
    });
  }

  /** Sets a new password; every grant of the user ends, as whoever held the old one may have made them. */
  async changePassword(userId: string, newPassword: string): Promise<void> {
    const passwordHash = await this.users.hashPassword(newPassword);
    await this.endingGrants(userId, async (manager) => {
      if (!(await this.users.setPasswordHash(manager, userId, passwordHash))) throw new NotFoundError('no such user');
    });
  }

  /**
   * The change, then the end of every grant of the user, counted as a revocation and as a change
   * to users: every instance drops the grants and the users it holds.
   */
  private endingGrants(userId: string, change: (manager: EntityManager) => Promise<void>): Promise<void> {
    return this.counters.counted(['revocations', 'users'], async (manager) => {
      await change(manager);
      await this.grants.revokeAllOf(manager, userId);
    });
  }
}
