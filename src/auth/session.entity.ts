import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** How long a browser session lasts without a new login. */
export const SESSION_TTL_SECONDS = 12 * 60 * 60;

/** At most this much of a browser's User-Agent is kept: enough to name the browser and system. */
export const SESSION_USER_AGENT_LENGTH = 255;

/** At most this long an address (an IPv6 address with a zone fits). */
export const SESSION_IP_LENGTH = 64;

/**
 * Server side of a browser session, so that it survives restarts and is shared by every instance.
 * The columns after `expires_at` repeat what the session holds about its user (TypeOrmSessionStore
 * writes them), so that the sessions of a user can be found and shown without reading `data`.
 */
@Entity('sessions')
export class SessionEntity {
  /** The SHA-256 of the session id: safe to show, it signs nobody in. */
  @PrimaryColumn({ type: 'varchar', length: 128 })
  id: string;

  @Column({ type: 'text' })
  data: string;

  @Index('IDX_sessions_expires_at')
  @Column({ name: 'expires_at', type: 'datetime' })
  expiresAt: Date;

  @Index('IDX_sessions_user_id')
  @Column({ name: 'user_id', type: 'varchar', length: 36, nullable: true })
  userId: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: SESSION_USER_AGENT_LENGTH, nullable: true })
  userAgent: string | null;

  @Column({ type: 'varchar', length: SESSION_IP_LENGTH, nullable: true })
  ip: string | null;

  /** When the row was stored first: for a signed-in session, the sign-in (which starts a new session id). */
  @Column({ name: 'created_at', type: 'datetime', nullable: true })
  createdAt: Date | null;
}
