import { Injectable } from '@nestjs/common';
import { SignInLimitsService } from '../auth/sign-in-limits.service';
import { OAuthError } from '../common/oauth/oauth.error';
import { UsersService } from '../users/users.service';
import { ConsoleAdminUser } from './console-admin';

/** How long after entering their password an administrator may take a sensitive action without entering it again. */
export const RECENT_SIGN_IN_SECONDS = 5 * 60;

/** A sensitive action refused: the administrator signed in too long ago and did not give their password, or gave a wrong one. */
export class PasswordConfirmationError extends OAuthError {
  readonly error = 'access_denied';
  override readonly status = 403;
}

/**
 * Sensitive console actions (deleting a client, rotating the keys, making an administrator,
 * disabling a user) need a recent sign-in: whoever finds a browser left signed in cannot take
 * them without the password.
 */
@Injectable()
export class RecentSignIn {
  constructor(
    private readonly users: UsersService,
    private readonly limits: SignInLimitsService,
  ) {}

  /** Whether the administrator must enter their password again before a sensitive action. */
  isStale(admin: ConsoleAdminUser): boolean {
    return Math.floor(Date.now() / 1000) - admin.authTime > RECENT_SIGN_IN_SECONDS;
  }

  /**
   * Lets the action go ahead, or throws PasswordConfirmationError. True when the password was
   * entered and is right: the session's sign-in time is then renewed (BrowserSession.reauthenticated).
   * A password entered here meets the limits of the login page (SignInLimitsService): whoever holds a
   * forgotten session cannot guess the password here faster than there.
   */
  async confirm(admin: ConsoleAdminUser, password: unknown): Promise<boolean> {
    if (!this.isStale(admin)) return false;
    if (typeof password !== 'string' || password === '') {
      throw new PasswordConfirmationError(
        'You signed in more than 5 minutes ago: enter your password to confirm this action.',
      );
    }
    const attempt = { ip: admin.origin.ip ?? '', username: admin.username, device: null };
    if (!(await this.limits.attempt(attempt, () => this.users.verifyCredentials(admin.username, password)))) {
      throw new PasswordConfirmationError('Your password is not correct. Nothing was changed.');
    }
    return true;
  }
}
