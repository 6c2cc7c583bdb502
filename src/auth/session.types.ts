import '@fastify/session';

declare module 'fastify' {
  interface Session {
    /** The signed-in user. */
    userId?: string;
    /** When the user last entered their password (epoch seconds), for `auth_time`. */
    authTime?: number;
    /** The browser's User-Agent at sign-in, cut to SESSION_USER_AGENT_LENGTH, to name the device. */
    userAgent?: string;
    /** The browser's address at sign-in. */
    ip?: string;
  }
}

/** The signed-in user as guards attach it to the request. */
export interface SessionUser {
  id: string;
  authTime: number;
}
