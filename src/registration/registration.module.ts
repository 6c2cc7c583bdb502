import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module';
import { InitialAccessTokenGuard } from './initial-access-token.guard';
import { InitialAccessTokensModule } from './initial-access-tokens.module';
import { RegistrationAccessTokenGuard } from './registration-access-token.guard';
import { RegistrationBudgetGuard } from './registration-budget.guard';
import { RegistrationController } from './registration.controller';
import { RegistrationService } from './registration.service';

/**
 * Dynamic client registration (RFC 7591) and client configuration (RFC 7592), imported only while
 * DYNAMIC_REGISTRATION is not off (AppModule). Rate limits: RateLimitModule (global).
 */
@Module({
  imports: [ClientsModule, InitialAccessTokensModule],
  controllers: [RegistrationController],
  providers: [RegistrationService, RegistrationBudgetGuard, InitialAccessTokenGuard, RegistrationAccessTokenGuard],
})
export class RegistrationModule {}
