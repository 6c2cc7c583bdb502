import Tokens from '@fastify/csrf';
import { ForbiddenException, Injectable } from '@nestjs/common';

/**
 * Synchronizer tokens for the provider's forms (RFC 6749 §10.12), signed-in or not: each form
 * carries a token made from the browser's secret, which a cross-site page can neither read nor set.
 * The secret travels in the browser's signed `csrf` cookie (csrf-cookie.ts); BrowserSession keeps
 * it on the request.
 */
@Injectable()
export class CsrfService {
  private readonly tokens = new Tokens({ userInfo: false });

  /** A new secret: for a browser's first form, and at every sign-in (BrowserSession.signIn). */
  newSecret(): string {
    return this.tokens.secretSync();
  }

  tokenFor(secret: string): string {
    return this.tokens.create(secret);
  }

  verify(secret: string | undefined, token: unknown): void {
    if (!secret || typeof token !== 'string' || !this.tokens.verify(secret, token)) {
      throw new ForbiddenException('The form has expired or did not come from this site. Go back and try again.');
    }
  }
}
