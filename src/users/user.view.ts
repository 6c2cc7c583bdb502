import { ApiProperty } from '@nestjs/swagger';
import { UserEntity } from './entities/user.entity';

/** A user as the admin API shows it: never the password digest. The class is also the schema of the admin API's OpenAPI document. */
export class UserView {
  @ApiProperty()
  id: string;

  @ApiProperty()
  username: string;

  @ApiProperty({ type: String, nullable: true })
  name: string | null;

  @ApiProperty({ type: String, nullable: true })
  email: string | null;

  @ApiProperty({ description: 'Whether the user is an administrator.' })
  admin: boolean;

  @ApiProperty({ description: 'A disabled user can neither sign in nor refresh tokens.' })
  disabled: boolean;

  @ApiProperty({ format: 'date-time' })
  created_at: string;
}

export function userView(user: UserEntity): UserView {
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
