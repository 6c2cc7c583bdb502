import { Injectable } from '@nestjs/common';
import type { FastifySessionObject as Session } from '@fastify/session';
import { AuditService } from '../audit/audit.service';
import { UserEntity } from '../users/entities/user.entity';
import { UsersService } from '../users/users.service';
import { CsrfHolder, CsrfService } from './csrf.service';
import { DeviceCookie, DeviceCookiesService } from './device-cookies.service';
import { safeReturnTo } from './return-to';
import { SessionUser } from './session.types';

export interface LoginPage {
  title: string;
  csrfToken: string;
  returnTo: string;
  error?: string;
}

/** The login page and signing in. */
@Injectable()
export class LoginService {
  constructor(
    private readonly csrf: CsrfService,
    private readonly users: UsersService,
    private readonly audit: AuditService,
    private readonly devices: DeviceCookiesService,
  ) {}

  loginPage(browser: CsrfHolder, returnTo: unknown, error?: string): LoginPage {
    return { title: 'Sign in', csrfToken: this.csrf.tokenFor(browser), returnTo: safeReturnTo(returnTo), error };
  }

  /** The signed-in user's page, or null when nobody is signed in. */
  async homePage(browser: CsrfHolder, sessionUser: SessionUser | undefined) {
    const user = sessionUser && (await this.users.findById(sessionUser.id));
    return user ? { title: 'Signed in', user, csrfToken: this.csrf.tokenFor(browser) } : null;
  }

  /**
   * A new session id and CSRF secret at login (no fixation): the old session is destroyed.
   * Regenerating replaces the holder's session object, hence the holder
   * (the request, whose `ip` goes to the audit trail). Returns where to go next, and a new
   * device cookie that makes this browser trusted for this user (DeviceCookiesService).
   */
  async signIn(
    holder: CsrfHolder & { session: Session; ip: string },
    user: UserEntity,
    returnTo: unknown,
  ): Promise<{ location: string; deviceCookie: DeviceCookie }> {
    await holder.session.regenerate();
    this.csrf.renew(holder);
    holder.session.userId = user.id;
    holder.session.authTime = Math.floor(Date.now() / 1000);
    await this.audit.record({ type: 'login.succeeded', actor: `user:${user.id}`, userId: user.id, ip: holder.ip });
    return { location: safeReturnTo(returnTo), deviceCookie: this.devices.issue(user.username) };
  }

  /**
   * Records a failed sign-in against the account the username names, if any. What was typed
   * is not kept: people type passwords into the username field.
   */
  async recordFailure(username: unknown, ip: string): Promise<void> {
    const user =
      typeof username === 'string' && username.length <= 255 ? await this.users.findByUsername(username) : null;
    await this.audit.record({
      type: 'login.failed',
      userId: user?.id ?? null,
      ip,
      detail: { reason: user ? 'wrong_password' : 'unknown_user' },
    });
  }
}
