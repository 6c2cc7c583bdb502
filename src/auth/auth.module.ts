import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientsModule } from '../clients/clients.module';
import { IdTokensModule } from '../id-tokens/id-tokens.module';
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

@Module({
  imports: [UsersModule, PassportModule, ClientsModule, IdTokensModule, TypeOrmModule.forFeature([LoginAttemptEntity])],
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
  exports: [CsrfService, CsrfGuard, BrowserSession, SignInLimitsService],
})
export class AuthModule {}
