import { keyFor } from '../config/session-secret';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isPageRoute } from '../common/http/pages-only';

declare module 'fastify' {
  interface FastifyRequest {
    /** Secret behind this browser's CSRF tokens (CsrfService), kept in its signed `csrf` cookie. */
    csrfSecret?: string;
  }
}

export const CSRF_COOKIE = 'csrf';

/** The key that signs the CSRF cookie: derived from the session secret, so that neither cookie's signature fits the other. */
export function csrfCookieKey(sessionSecret: string): string {
  return keyFor(sessionSecret, 'csrf cookie');
}

/**
 * The CSRF secret travels with the browser, not in the session: an anonymous visit to the login
 * page then stores nothing on the server, and only signing in makes a session. On page routes,
 * the secret comes from the signed cookie before the handler runs (a cookie that does not verify
 * counts as none), and a secret the handler made or renewed goes back in the cookie:
 * HttpOnly, SameSite=Lax, Secure under an https issuer, for the browser's lifetime.
 * Needs @fastify/cookie registered with csrfCookieKey() as its secret.
 */
export function useCsrfCookie(server: FastifyInstance, secure: boolean): void {
  const received = new WeakMap<FastifyRequest, string | undefined>();
  server.decorateRequest('csrfSecret', undefined);
  server.addHook('onRequest', async (request) => {
    const cookie = isPageRoute(request) ? request.cookies[CSRF_COOKIE] : undefined;
    if (!cookie) return;
    const { valid, value } = request.unsignCookie(cookie);
    if (valid && value) {
      request.csrfSecret = value;
      received.set(request, value);
    }
  });
  server.addHook('onSend', async (request, reply) => {
    if (request.csrfSecret && request.csrfSecret !== received.get(request)) {
      reply.setCookie(CSRF_COOKIE, request.csrfSecret, {
        signed: true,
        httpOnly: true,
        sameSite: 'lax',
        secure,
        path: '/',
      });
    }
  });
}
