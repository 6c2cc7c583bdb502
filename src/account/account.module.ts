import { Module } from '@nestjs/common';
import { ApisModule } from '../apis/apis.module';
import { AccountsModule } from '../accounts/accounts.module';
import { AuthCodesModule } from '../auth-codes/auth-codes.module';
import { AuthModule } from '../auth/auth.module';
import { ClientsModule } from '../clients/clients.module';
import { GrantsModule } from '../grants/grants.module';
import { UsersModule } from '../users/users.module';
import { AccountPageFilter } from './account-page.filter';
import { AccountController } from './account.controller';
import { AccountService } from './account.service';
import { ConnectedAppsService } from './connected-apps.service';
import { SignedInGuard } from './signed-in.guard';

/** The signed-in user's own page: profile, password, the applications they let in, their sessions. */
@Module({
  imports: [AuthModule, AccountsModule, ApisModule, AuthCodesModule, GrantsModule, ClientsModule, UsersModule],
  controllers: [AccountController],
  providers: [AccountService, ConnectedAppsService, SignedInGuard, AccountPageFilter],
})
export class AccountModule {}
