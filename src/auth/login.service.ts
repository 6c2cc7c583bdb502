import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { ProviderMetrics } from '../metrics/provider-metrics';
import { UserEntity } from '../users/entities/user.entity';
import { UsersService } from '../users/users.service';
import { DeviceCookie, DeviceCookiesService } from './device-cookies.service';
import { safeReturnTo } from './return-to';
import { SessionUser } from './session.types';

export interface LoginPage {
  title: string;
  returnTo: string;
  error?: string;
}

/** The login page and signing in. */
@Injectable()
export class LoginService {
  constructor(
    private readonly users: UsersService,
    private readonly audit: AuditService,
    private readonly devices: DeviceCookiesService,
    private readonly metrics: ProviderMetrics,
  ) {}

  loginPage(returnTo: unknown, error?: string): LoginPage {
    return { title: 'Sign in', returnTo: safeReturnTo(returnTo), error };
  }

  /** The signed-in user's page, or null when nobody is signed in. */
  async homePage(sessionUser: SessionUser | undefined) {
    const user = sessionUser && (await this.users.findById(sessionUser.id));
    return user ? { title: 'Signed in', user } : null;
  }

  /**
   * After the session is started (BrowserSession.signIn): records the sign-in from `ip`, and returns
   * where to go next and a new device cookie that makes this browser trusted for this user
   * (DeviceCookiesService).
   */
  async signedIn(
    user: UserEntity,
    returnTo: unknown,
    ip: string,
  ): Promise<{ location: string; deviceCookie: DeviceCookie }> {
    await this.audit.record({ type: 'login.succeeded', actor: `user:${user.id}`, userId: user.id, ip });
    this.metrics.signIns.succeeded();
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
    this.metrics.signIns.failed();
  }
}
