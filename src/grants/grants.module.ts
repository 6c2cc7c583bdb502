import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GrantEntity } from './grant.entity';
import { GrantStore } from './grant.store';

/**
 * The authorization records: what a user allowed a client, created when a code is redeemed and
 * named by every token descended from it. Its own module, beneath auth-codes, tokens,
 * access-tokens, accounts and the CLI, which all read or end grants. A grant has no rule of its
 * own beyond how it is kept, so the others use its store.
 */
@Module({
  imports: [TypeOrmModule.forFeature([GrantEntity])],
  providers: [GrantStore],
  exports: [GrantStore],
})
export class GrantsModule {}
