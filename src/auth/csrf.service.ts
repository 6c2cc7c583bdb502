import Tokens from '@fastify/csrf';
import { ForbiddenException, Injectable } from '@nestjs/common';
import type { Session } from 'fastify';

/** Synchronizer tokens for the provider's forms (RFC 6749 §10.12): the secret lives in the session. */
@Injectable()
export class CsrfService {
  private readonly tokens = new Tokens({ userInfo: false });

  tokenFor(session: Session): string {
    session.csrfSecret ??= this.tokens.secretSync();
    return this.tokens.create(session.csrfSecret);
  }

  verify(session: Session, token: unknown): void {
    const secret = session.csrfSecret;
    if (!secret || typeof token !== 'string' || !this.tokens.verify(secret, token)) {
      throw new ForbiddenException('The form has expired or did not come from this site. Go back and try again.');
    }
  }
}
