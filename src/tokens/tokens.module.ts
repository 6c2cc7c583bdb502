import { Module } from '@nestjs/common';
import { AccessTokensModule } from '../access-tokens/access-tokens.module';
import { AuthCodesModule } from '../auth-codes/auth-codes.module';
import { ClientsModule } from '../clients/clients.module';
import { AuthorizationCodeGrant } from './grants/authorization-code.grant';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';
import { GRANT_HANDLERS, GrantHandler } from './grants/grant-handler';
import { TokenController } from './token.controller';
import { TokensService } from './tokens.service';

const GRANTS = [AuthorizationCodeGrant, ClientCredentialsGrant];

@Module({
  imports: [AccessTokensModule, AuthCodesModule, ClientsModule],
  controllers: [TokenController],
  providers: [
    ...GRANTS,
    { provide: GRANT_HANDLERS, useFactory: (...handlers: GrantHandler[]) => handlers, inject: GRANTS },
    TokensService,
  ],
})
export class TokensModule {}
