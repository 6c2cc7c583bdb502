import { Module, OnModuleInit } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ApisModule } from '../apis/apis.module';
import { AuthModule } from '../auth/auth.module';
import { ClientsModule } from '../clients/clients.module';
import { KeysModule } from '../keys/keys.module';
import { UsersModule } from '../users/users.module';
import { ConsoleApisController } from './apis.controller';
import { ConsoleAuditController } from './audit.controller';
import { ConsoleClientsController } from './clients.controller';
import { ConsoleAdminGuard } from './console-admin.guard';
import { ConsolePages } from './console-pages';
import { registerConsolePartials } from './console-partials';
import { ConsoleController } from './console.controller';
import { ConsoleKeysController } from './keys.controller';
import { RecentSignIn } from './recent-sign-in.service';
import { ConsoleUsersController } from './users.controller';

/**
 * The admin console under /console: pages for administrators signed in with the browser session.
 * Like the admin API (src/admin) it sits on top of the features it administers and acts through
 * their services; the audit trail's writer (AuditModule) is global.
 */
@Module({
  imports: [AuthModule, UsersModule, ClientsModule, ApisModule, AccountsModule, KeysModule],
  controllers: [
    ConsoleController,
    ConsoleClientsController,
    ConsoleApisController,
    ConsoleUsersController,
    ConsoleAuditController,
    ConsoleKeysController,
  ],
  providers: [ConsoleAdminGuard, ConsolePages, RecentSignIn],
})
export class ConsoleModule implements OnModuleInit {
  onModuleInit(): void {
    registerConsolePartials();
  }
}
