import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AccountsModule } from '../accounts/accounts.module';
import { ApisModule } from '../apis/apis.module';
import { AuditModule } from '../audit/audit.module';
import { ClientsModule } from '../clients/clients.module';
import { validateEnvironment } from '../config/environment';
import { DatabaseModule } from '../database/database.module';
import { KeysModule } from '../keys/keys.module';
import { InitialAccessTokensModule } from '../registration/initial-access-tokens.module';
import { UsersModule } from '../users/users.module';

/** The modules the administration CLI drives: the same services, on the same DATABASE_URL, as the server. */
@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, cache: true, validate: validateEnvironment }),
    DatabaseModule,
    AuditModule,
    UsersModule,
    AccountsModule,
    ClientsModule,
    ApisModule,
    KeysModule,
    InitialAccessTokensModule,
  ],
})
export class CliModule {}
