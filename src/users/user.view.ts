import { UserEntity } from './entities/user.entity';

/** A user as the admin API shows it: never the password digest. */
export function userView(user: UserEntity) {
  return {
    id: user.id,
    username: user.username,
    name: user.name,
    email: user.email,
    admin: user.isAdmin,
    disabled: !!user.disabledAt,
    created_at: user.createdAt.toISOString(),
  };
}

export type UserView = ReturnType<typeof userView>;
