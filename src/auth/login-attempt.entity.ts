import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Sign-in attempts counted for one username (LoginThrottleService), in the database so that every
 * instance counts the same ones. Times carry milliseconds: a back-off may last a single second.
 */
@Entity('login_attempts')
export class LoginAttemptEntity {
  /** usernameKey() of the username tried, known or not; never the username itself. */
  @PrimaryColumn({ name: 'username_key', type: 'varchar', length: 64 })
  usernameKey: string;

  /** Attempts counted since the last success or back-off, including those whose password is still being checked. */
  @Column({ type: 'int' })
  failures: number;

  /** Back-offs since the last success; each lasts twice as long as the one before, up to the maximum. */
  @Column({ name: 'back_offs', type: 'int' })
  backOffs: number;

  /** Until when every attempt is refused without checking the password; null before the first back-off. */
  @Column({ name: 'blocked_until', type: 'datetime', precision: 3, nullable: true })
  blockedUntil: Date | null;

  @Index('IDX_login_attempts_last_attempt_at')
  @Column({ name: 'last_attempt_at', type: 'datetime', precision: 3 })
  lastAttemptAt: Date;
}
