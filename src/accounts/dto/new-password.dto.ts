import { Password } from './user-fields';

/** A new password a user chose on the account page: the rules of the admin API and user:create. */
export class NewPasswordDto {
  @Password()
  password: string;
}
