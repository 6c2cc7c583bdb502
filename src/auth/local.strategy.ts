import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-local';
import { UserEntity } from '../users/entities/user.entity';
import { UsersService } from '../users/users.service';
import { LoginService } from './login.service';
import { DeviceCookiesService } from './device-cookies.service';
import { SignInLimitsService } from './sign-in-limits.service';

@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy) {
  constructor(
    private readonly users: UsersService,
    private readonly login: LoginService,
    private readonly limits: SignInLimitsService,
    private readonly devices: DeviceCookiesService,
  ) {
    super({ usernameField: 'username', passwordField: 'password', passReqToCallback: true });
  }

  /**
   * passport-local calls this with the request and the form's fields; null makes the login fail,
   * and so does the TooManyRequestsError of an address or username that must wait (SignInLimitsService).
   */
  async validate(request: FastifyRequest, username: string, password: string): Promise<UserEntity | null> {
    const device = await this.devices.trusted(request.cookies, username);
    return this.limits.attempt({ ip: request.ip, username, device }, async () => {
      const user = await this.users.verifyCredentials(username, password);
      if (!user) await this.login.recordFailure(username, request.ip);
      return user;
    });
  }
}
