import { Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { UserEntity } from '../users/entities/user.entity';
import { LoginFailedError } from './login-failed.error';

/** Checks the login form with passport-local; a failure becomes LoginFailedError for the login page. */
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  override handleRequest<TUser = UserEntity>(err: unknown, user: TUser | false): TUser {
    if (err) throw err;
    if (!user) throw new LoginFailedError();
    return user;
  }
}
