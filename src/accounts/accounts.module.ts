import { Module } from '@nestjs/common';
import { GrantsModule } from '../grants/grants.module';
import { UsersModule } from '../users/users.module';
import { UserAccountsService } from './user-accounts.service';

/** Changes to a user's account that reach beyond the user: the grants the user gave. */
@Module({
  imports: [UsersModule, GrantsModule],
  providers: [UserAccountsService],
  exports: [UserAccountsService],
})
export class AccountsModule {}
