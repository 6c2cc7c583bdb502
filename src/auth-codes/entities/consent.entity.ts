import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** The scopes a user has allowed a client, so that asking again for no more skips the consent page. */
@Entity('consents')
export class ConsentEntity {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  @PrimaryColumn({ name: 'client_id', type: 'varchar', length: 255 })
  clientId: string;

  @Column({ type: 'text' })
  scope: string;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt: Date;
}
