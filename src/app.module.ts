import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER } from '@nestjs/core';
import { AccountModule } from './account/account.module';
import { AccountsModule } from './accounts/accounts.module';
import { AdminModule } from './admin/admin.module';
import { AssetsController } from './assets/assets.controller';
import { AuditModule } from './audit/audit.module';
import { AuthCodesModule } from './auth-codes/auth-codes.module';
import { AuthModule } from './auth/auth.module';
import { ClientsModule } from './clients/clients.module';
import { ConsoleModule } from './console/console.module';
import { OAuthExceptionFilter } from './common/oauth/oauth-exception.filter';
import { ProviderEnvironment, validateEnvironment } from './config/environment';
import { DatabaseModule } from './database/database.module';
import { WalCheckpointer } from './database/wal-checkpointer';
import { DiscoveryModule } from './discovery/discovery.module';
import { HealthModule } from './health/health.module';
import { KeyRolloverModule } from './keys/key-rollover.module';
import { KeysModule } from './keys/keys.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { RegistrationModule } from './registration/registration.module';
import { RetentionModule } from './retention/retention.module';
import { TokensModule } from './tokens/tokens.module';
import { UserInfoModule } from './userinfo/userinfo.module';
import { UsersModule } from './users/users.module';

/**
 * The provider, for the settings it starts with (main.ts, the tests' apps). The registration
 * endpoints exist only while DYNAMIC_REGISTRATION is not off: otherwise /oauth/register is a path
 * like any unknown one, 404 to every method, where routes present but refused would answer 405
 * naming the methods they take.
 */
@Module({})
export class AppModule {
  static forRoot(environment: ProviderEnvironment): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, cache: true, validate: validateEnvironment }),
        LoggingModule,
        DatabaseModule,
        MetricsModule,
        RateLimitModule,
        AuditModule,
        UsersModule,
        AuthModule,
        KeysModule,
        KeyRolloverModule,
        ClientsModule,
        ...(environment.DYNAMIC_REGISTRATION === 'off' ? [] : [RegistrationModule]),
        AuthCodesModule,
        AccountsModule,
        TokensModule,
        UserInfoModule,
        DiscoveryModule,
        HealthModule,
        AdminModule,
        RetentionModule,
        AccountModule,
        ConsoleModule,
      ],
      controllers: [AssetsController],
      // The server's alone: the CLI's short runs leave checkpoints to SQLite.
      providers: [{ provide: APP_FILTER, useClass: OAuthExceptionFilter }, WalCheckpointer],
    };
  }
}
