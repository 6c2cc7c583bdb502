import { Module } from '@nestjs/common';
import { UserSessionsModule } from '../auth/user-sessions.module';
import { ClientsModule } from '../clients/clients.module';
import { GrantsModule } from '../grants/grants.module';
import { UsersModule } from '../users/users.module';
import { UserAccountsService } from './user-accounts.service';

/** The administration of users' accounts, and the changes that reach beyond the user: the grants the user gave, the user's sessions. */
@Module({
  imports: [UsersModule, GrantsModule, ClientsModule, UserSessionsModule],
  providers: [UserAccountsService],
  exports: [UserAccountsService],
})
export class AccountsModule {}
