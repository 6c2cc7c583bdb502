import Tokens from '@fastify/csrf';
import { ForbiddenException, Injectable } from '@nestjs/common';

/** Where a browser's CSRF secret is held for the length of a request: the request (csrf-cookie.ts). */
export interface CsrfHolder {
  csrfSecret?: string;
}

/**
 * Synchronizer tokens for the provider's forms (RFC 6749 §10.12), signed-in or not: each form
 * carries a token made from the browser's secret, which a cross-site page can neither read nor set.
 */
@Injectable()
export class CsrfService {
  private readonly tokens = new Tokens({ userInfo: false });

  tokenFor(holder: CsrfHolder): string {
    holder.csrfSecret ??= this.tokens.secretSync();
    return this.tokens.create(holder.csrfSecret);
  }

  verify(holder: CsrfHolder, token: unknown): void {
    const secret = holder.csrfSecret;
    if (!secret || typeof token !== 'string' || !this.tokens.verify(secret, token)) {
      throw new ForbiddenException('The form has expired or did not come from this site. Go back and try again.');
    }
  }

  /**
   * A new secret at sign-in: tokens made before it (which someone who planted a cookie in the
   * browser might know) do not work for the signed-in user.
   */
  renew(holder: CsrfHolder): void {
    holder.csrfSecret = this.tokens.secretSync();
  }
}
