import { IsBoolean, IsOptional } from 'class-validator';
import { OptionalEmail, Password, TextLine } from './user-fields';

/** POST /admin/users. */
export class NewUserDto {
  @TextLine('username')
  username: string;

  @Password()
  password: string;

  @IsOptional()
  @TextLine('name')
  name?: string;

  @OptionalEmail()
  email?: string;

  @IsOptional()
  @IsBoolean()
  admin?: boolean;
}
