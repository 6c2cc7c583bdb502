import { UserEntity } from './entities/user.entity';

/**
 * The part of `scope` the user may hold: `admin` (the admin API) only while the user is an
 * administrator. Applied to the authorization request before the consent page, so that the user
 * is never asked for what would not be granted, and again at every refresh, so that a grant
 * loses at once what its user has lost.
 */
export function entitledScope(user: Pick<UserEntity, 'isAdmin'>, scope: readonly string[]): string[] {
  return user.isAdmin ? [...scope] : scope.filter((s) => s !== 'admin');
}
