import '@fastify/view';
import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { UserEntity } from '../users/entities/user.entity';
import { UsersService } from '../users/users.service';
import { CsrfService } from './csrf.service';
import { safeReturnTo } from './return-to';
import { SessionUser } from './session.types';

/** The login page and signing in. */
@Injectable()
export class LoginService {
  constructor(
    private readonly csrf: CsrfService,
    private readonly users: UsersService,
  ) {}

  renderLoginPage(request: FastifyRequest, reply: FastifyReply, returnTo: unknown, error?: string) {
    return reply.status(error ? 401 : 200).view('login', {
      title: 'Sign in',
      csrfToken: this.csrf.tokenFor(request.session),
      returnTo: safeReturnTo(returnTo),
      error,
    });
  }

  async renderHome(request: FastifyRequest, reply: FastifyReply, sessionUser: SessionUser | undefined) {
    const user = sessionUser && (await this.users.findById(sessionUser.id));
    if (!user) return reply.redirect('/login', 303);
    return reply.view('home', { title: 'Signed in', user, csrfToken: this.csrf.tokenFor(request.session) });
  }

  /** A new session id at login (no fixation): the old session is destroyed. */
  async signIn(request: FastifyRequest, reply: FastifyReply, user: UserEntity) {
    const returnTo = safeReturnTo((request.body as Record<string, unknown>).return_to);
    await request.session.regenerate();
    request.session.userId = user.id;
    request.session.authTime = Math.floor(Date.now() / 1000);
    return reply.redirect(returnTo, 303);
  }
}
