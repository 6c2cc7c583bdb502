import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientsModule } from '../clients/clients.module';
import { IdTokensModule } from '../id-tokens/id-tokens.module';
import { MetricsModule } from '../metrics/metrics.module';
import { UsersModule } from '../users/users.module';
import { BrowserSession } from './browser-session';
import { CsrfGuard } from './csrf.guard';
import { CsrfService } from './csrf.service';
import { DeviceCookiesService } from './device-cookies.service';
import { LocalStrategy } from './local.strategy';
import { LoginAttemptEntity } from './login-attempt.entity';
import { LoginThrottleService } from './login-throttle.service';
import { LoginController } from './login.controller';
import { LoginService } from './login.service';
import { LogoutController } from './logout.controller';
import { LogoutService } from './logout.service';
import { SignInLimitsService } from './sign-in-limits.service';
import { UserSessionsModule } from './user-sessions.module';

@Module({
  imports: [
    MetricsModule,
    UsersModule,
    PassportModule,
    ClientsModule,
    IdTokensModule,
    UserSessionsModule,
    TypeOrmModule.forFeature([LoginAttemptEntity]),
  ],
  controllers: [LoginController, LogoutController],
  providers: [
    LocalStrategy,
    LoginThrottleService,
    DeviceCookiesService,
    SignInLimitsService,
    LoginService,
    LogoutService,
    CsrfService,
    CsrfGuard,
    BrowserSession,
  ],
  // SignInLimitsService for the account page, where proving the current password counts as a sign-in.
  exports: [CsrfService, CsrfGuard, BrowserSession, SignInLimitsService, UserSessionsModule],
})
export class AuthModule {}
