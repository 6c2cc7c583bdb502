import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One row counting the changes made to clients, by any instance or the CLI: each change raises it
 * in the transaction that makes it, and an instance that sees it move forgets the clients it holds
 * (ClientCache).
 */
@Entity('client_revision')
export class ClientRevisionEntity {
  /** Always 1: the table holds this one row. */
  @PrimaryColumn({ type: 'int' })
  id: number;

  @Column({ type: 'int' })
  revision: number;
}
