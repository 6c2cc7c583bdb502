import { Injectable } from '@nestjs/common';
import type { FastifySessionObject as Session } from '@fastify/session';
import { UserEntity } from '../users/entities/user.entity';
import { UsersService } from '../users/users.service';
import { CsrfService } from './csrf.service';
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
  ) {}

  loginPage(session: Session, returnTo: unknown, error?: string): LoginPage {
    return { title: 'Sign in', csrfToken: this.csrf.tokenFor(session), returnTo: safeReturnTo(returnTo), error };
  }

  /** The signed-in user's page, or null when nobody is signed in. */
  async homePage(session: Session, sessionUser: SessionUser | undefined) {
    const user = sessionUser && (await this.users.findById(sessionUser.id));
    return user ? { title: 'Signed in', user, csrfToken: this.csrf.tokenFor(session) } : null;
  }

  /**
   * A new session id at login (no fixation): the old session is destroyed.
   * Regenerating replaces the holder's session object, hence the holder.
   * Returns where to go next.
   */
  async signIn(holder: { session: Session }, user: UserEntity, returnTo: unknown): Promise<string> {
    await holder.session.regenerate();
    holder.session.userId = user.id;
    holder.session.authTime = Math.floor(Date.now() / 1000);
    return safeReturnTo(returnTo);
  }
}
