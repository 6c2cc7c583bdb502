import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** How long a browser session lasts without a new login. */
export const SESSION_TTL_SECONDS = 12 * 60 * 60;

/** Server side of a browser session, so that it survives restarts and is shared by every instance. */
@Entity('sessions')
export class SessionEntity {
  @PrimaryColumn({ type: 'varchar', length: 128 })
  id: string;

  @Column({ type: 'text' })
  data: string;

  @Index('IDX_sessions_expires_at')
  @Column({ name: 'expires_at', type: 'datetime' })
  expiresAt: Date;
}
