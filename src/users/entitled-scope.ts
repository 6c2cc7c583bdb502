import { UserEntity } from './entities/user.entity';

/**
 * The part of `scope` the user may hold: `admin` (the admin API) only while the user is an
 * administrator. Applied when a code is issued and again at every refresh, so that a grant
 * loses at once what its user has lost.
 */
export function entitledScope(user: Pick<UserEntity, 'isAdmin'>, scope: readonly string[]): string[] {
  return user.isAdmin ? [...scope] : scope.filter((s) => s !== 'admin');
}
