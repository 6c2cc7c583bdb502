import { Injectable } from '@nestjs/common';
import { UserAccountsService } from '../accounts/user-accounts.service';
import { AuditOrigin } from '../audit/audit-event-types';
import { SignInLimitsService } from '../auth/sign-in-limits.service';
import { LoginRequiredError } from '../common/http/login-required.error';
import { InvalidRequestError } from '../common/oauth/oauth.error';
import { UsersService } from '../users/users.service';
import { ConnectedAppsService } from './connected-apps.service';

/** The user asking, from where, and the session they ask from. */
export interface AccountHolder {
  userId: string;
  sessionId: string;
  ip: string;
}

/** What a form did, said on the page it sends the browser back to (`/account?done=...`). */
const DONE: Record<string, string> = {
  password: 'Your password is changed. Every other session is signed out.',
  app: 'The application no longer has access to your account.',
  session: 'That session is signed out.',
};

const ACCOUNT_PAGE = '/account';

/** How the page writes a moment: "6 Dec 2026, 09:20 UTC". */
const when = (date: Date | string | null) =>
  date === null
    ? null
    : `${new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(date))} UTC`;

const origin = (holder: AccountHolder): AuditOrigin => ({
  actor: `user:${holder.userId}`,
  userId: holder.userId,
  ip: holder.ip,
});

/**
 * The account page of the signed-in user: who they are, the applications they let in, their
 * sessions, and what they can change there. Each form's work is one call to the service that owns
 * its rule; this service says where the browser goes next.
 */
@Injectable()
export class AccountService {
  constructor(
    private readonly users: UsersService,
    private readonly accounts: UserAccountsService,
    private readonly apps: ConnectedAppsService,
    private readonly limits: SignInLimitsService,
  ) {}

  /** The page; a user who is gone or disabled is sent to sign in. */
  async page(holder: AccountHolder, done?: unknown, passwordError?: string) {
    const user = await this.users.findActive(holder.userId);
    if (!user) throw new LoginRequiredError(ACCOUNT_PAGE);
    const [apps, sessions] = await Promise.all([this.apps.of(user.id), this.accounts.sessionsOf(user.id)]);
    return {
      title: 'Your account',
      user: { username: user.username, name: user.name, email: user.email },
      done: typeof done === 'string' ? DONE[done] : undefined,
      passwordError,
      apps: apps.map((app) => ({
        ...app,
        since: when(app.since),
        lastSignIn: when(app.lastSignIn),
      })),
      // This device first, then the others, newest first.
      sessions: sessions
        .map((session) => ({
          ...session,
          current: session.id === holder.sessionId,
          signedIn: when(session.created_at),
        }))
        .sort((a, b) => Number(b.current) - Number(a.current)),
    };
  }

  /**
   * Changes the password once the current one is proved (UserAccountsService.changeOwnPassword). The
   * proof counts as a sign-in (SignInLimitsService): a stolen session cannot guess the password
   * faster here than at the login page. A refusal is an InvalidRequestError, or TooManyRequestsError.
   */
  async changePassword(holder: AccountHolder, current: unknown, next: unknown): Promise<string> {
    const user = await this.users.findActive(holder.userId);
    if (!user) throw new LoginRequiredError(ACCOUNT_PAGE);
    const proved = await this.limits.attempt({ ip: holder.ip, username: user.username, device: null }, () =>
      this.users.verifyCredentials(user.username, current),
    );
    if (proved?.id !== user.id) throw new InvalidRequestError('The current password is not right.');
    await this.accounts.changeOwnPassword(user.id, next, holder.sessionId, origin(holder));
    return `${ACCOUNT_PAGE}?done=password`;
  }

  async removeApp(holder: AccountHolder, clientId: string): Promise<string> {
    await this.apps.remove(holder.userId, clientId, origin(holder));
    return `${ACCOUNT_PAGE}?done=app`;
  }

  /** Signs out one other session of the user's (UserAccountsService.endSession). */
  async endSession(holder: AccountHolder, sessionId: string): Promise<string> {
    await this.accounts.endSession(holder.userId, sessionId, origin(holder));
    return `${ACCOUNT_PAGE}?done=session`;
  }

  /** Signs out every session of the user, this one too; the browser goes to the login page. */
  async endEverySession(holder: AccountHolder): Promise<string> {
    await this.accounts.endAllSessions(holder.userId, origin(holder));
    return `/login?return_to=${encodeURIComponent(ACCOUNT_PAGE)}`;
  }
}
