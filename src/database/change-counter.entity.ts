import { Column, Entity, PrimaryColumn } from 'typeorm';

/** What a counter counts: changes to clients; revocations of grants and of access tokens; changes to users' standing; changes to APIs. */
export type ChangeCounterName = 'clients' | 'revocations' | 'users' | 'apis';

/**
 * A count of the changes of one kind made by any instance or the CLI: each change raises it in the
 * transaction that makes it, and an instance that sees it move forgets what it holds of that kind
 * (HeldUntilChange).
 */
@Entity('change_counters')
export class ChangeCounterEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  name: ChangeCounterName;

  @Column({ type: 'int' })
  value: number;
}
