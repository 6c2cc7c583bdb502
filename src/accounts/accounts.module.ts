import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module';
import { GrantsModule } from '../grants/grants.module';
import { UsersModule } from '../users/users.module';
import { UserAccountsService } from './user-accounts.service';

/** The administration of users' accounts, and the changes that reach beyond the user: the grants the user gave. */
@Module({
  imports: [UsersModule, GrantsModule, ClientsModule],
  providers: [UserAccountsService],
  exports: [UserAccountsService],
})
export class AccountsModule {}
