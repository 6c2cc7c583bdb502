import { IsBoolean, IsOptional } from 'class-validator';
import { AccountChanges } from '../user-accounts.service';
import { OptionalEmail, Password, TextLine } from './user-fields';

/** PATCH /admin/users/:id: any of the fields. */
export class AccountChangesDto implements AccountChanges {
  @IsOptional()
  @TextLine('name')
  name?: string;

  @OptionalEmail()
  email?: string;

  @IsOptional()
  @IsBoolean()
  disabled?: boolean;

  @IsOptional()
  @IsBoolean()
  admin?: boolean;

  @IsOptional()
  @Password()
  password?: string;
}
