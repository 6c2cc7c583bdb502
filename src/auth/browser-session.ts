import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { CsrfService } from './csrf.service';
import { SESSION_IP_LENGTH, SESSION_USER_AGENT_LENGTH } from './session.entity';
import { SessionUser } from './session.types';

/**
 * The browser's side of the provider's pages, request in hand, for controllers, guards and
 * filters: who is signed in, the session that signing in starts and signing out ends, and the
 * CSRF token of a page's form. Services see only the plain values.
 */
@Injectable()
export class BrowserSession {
  constructor(private readonly csrf: CsrfService) {}

  /**
   * The page with the CSRF token for its form. The browser's first form makes its secret, which
   * goes back in its cookie (csrf-cookie.ts); a page without a form makes none.
   */
  withCsrfToken<P extends object>(request: FastifyRequest, page: P): P & { csrfToken: string } {
    request.csrfSecret ??= this.csrf.newSecret();
    return { ...page, csrfToken: this.csrf.tokenFor(request.csrfSecret) };
  }

  /**
   * Signs the user in with a new session id (no fixation: the old session is destroyed) and a new
   * CSRF secret, so that tokens made before, which someone who planted a cookie in the browser
   * might know, do not work for the signed-in user. The browser's User-Agent and address go into
   * the session, for the user's list of sessions.
   */
  async signIn(request: FastifyRequest, userId: string): Promise<SessionUser> {
    await request.session.regenerate();
    request.csrfSecret = this.csrf.newSecret();
    const user = { id: userId, authTime: Math.floor(Date.now() / 1000) };
    request.session.userId = user.id;
    request.session.authTime = user.authTime;
    request.session.userAgent = request.headers['user-agent']?.slice(0, SESSION_USER_AGENT_LENGTH);
    request.session.ip = request.ip.slice(0, SESSION_IP_LENGTH);
    return user;
  }

  /** The user has just entered their password again (a sensitive action in the console): a new `auth_time`. */
  reauthenticated(request: FastifyRequest): void {
    request.session.authTime = Math.floor(Date.now() / 1000);
  }

  /** Ends the session on the server. */
  signOut(request: FastifyRequest): Promise<void> {
    return request.session.destroy();
  }
}

/** The signed-in user of this request's session, or undefined. */
export function sessionUser(request: FastifyRequest): SessionUser | undefined {
  const { userId, authTime } = request.session;
  return userId && authTime ? { id: userId, authTime } : undefined;
}
