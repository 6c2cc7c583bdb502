import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GrantEntity } from './grant.entity';
import { GrantsService } from './grants.service';

/**
 * The authorization records: what a user allowed a client, created when a code is redeemed and
 * named by every token descended from it. Its own module, beneath auth-codes, tokens,
 * access-tokens, accounts and the CLI, which all read or end grants.
 */
@Module({
  imports: [TypeOrmModule.forFeature([GrantEntity])],
  providers: [GrantsService],
  exports: [GrantsService],
})
export class GrantsModule {}
