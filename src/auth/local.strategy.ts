import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-local';
import { UserEntity } from '../users/entities/user.entity';
import { UsersService } from '../users/users.service';

@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy) {
  constructor(private readonly users: UsersService) {
    super({ usernameField: 'username', passwordField: 'password' });
  }

  /** passport-local calls this with the form's fields; null makes the login fail. */
  validate(username: string, password: string): Promise<UserEntity | null> {
    return this.users.verifyCredentials(username, password);
  }
}
