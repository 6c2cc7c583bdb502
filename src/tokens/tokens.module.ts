import { MetricsModule } from '../metrics/metrics.module';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessTokensModule } from '../access-tokens/access-tokens.module';
import { ApisModule } from '../apis/apis.module';
import { AuthCodesModule } from '../auth-codes/auth-codes.module';
import { ClientsModule } from '../clients/clients.module';
import { GrantsModule } from '../grants/grants.module';
import { IdTokensModule } from '../id-tokens/id-tokens.module';
import { UsersModule } from '../users/users.module';
import { RefreshTokenEntity } from './entities/refresh-token.entity';
import { AuthorizationCodeGrant } from './grant-types/authorization-code.grant';
import { ClientCredentialsGrant } from './grant-types/client-credentials.grant';
import { GRANT_HANDLERS, GrantHandler } from './grant-types/grant-handler';
import { RefreshTokenGrant } from './grant-types/refresh-token.grant';
import { IntrospectionController } from './introspection.controller';
import { IntrospectionService } from './introspection.service';
import { RefreshTokenStore } from './refresh-token.store';
import { RefreshTokensService } from './refresh-tokens.service';
import { RevocationController } from './revocation.controller';
import { RevocationService } from './revocation.service';
import { TokenLookupService } from './token-lookup.service';
import { TokenResponseFactory } from './token-response.factory';
import { TokenController } from './token.controller';
import { TokensService } from './tokens.service';

const GRANTS = [AuthorizationCodeGrant, ClientCredentialsGrant, RefreshTokenGrant];

@Module({
  imports: [
    MetricsModule,
    TypeOrmModule.forFeature([RefreshTokenEntity]),
    AccessTokensModule,
    ApisModule,
    AuthCodesModule,
    ClientsModule,
    GrantsModule,
    IdTokensModule,
    UsersModule,
  ],
  controllers: [TokenController, RevocationController, IntrospectionController],
  providers: [
    ...GRANTS,
    { provide: GRANT_HANDLERS, useFactory: (...handlers: GrantHandler[]) => handlers, inject: GRANTS },
    TokensService,
    RefreshTokensService,
    RefreshTokenStore,
    TokenResponseFactory,
    TokenLookupService,
    RevocationService,
    IntrospectionService,
  ],
  // The store for retention, which deletes expired refresh tokens.
  exports: [TokensService, RefreshTokenStore],
})
export class TokensModule {}
