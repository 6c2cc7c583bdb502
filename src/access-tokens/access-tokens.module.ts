import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApisModule } from '../apis/apis.module';
import { ClientsModule } from '../clients/clients.module';
import { GrantsModule } from '../grants/grants.module';
import { KeysModule } from '../keys/keys.module';
import { AccessTokensService } from './access-tokens.service';
import { BearerTokenGuard } from './bearer-token.guard';
import { RevokedAccessTokenEntity } from './revoked-access-token.entity';

/**
 * Access tokens: issuing them and checking those presented to the provider's own APIs, which
 * asks the clients and grants modules whether a token's client and grant still stand, and the
 * APIs module how long a token for an API lives.
 */
@Module({
  imports: [
    ApisModule,
    KeysModule,
    ClientsModule,
    GrantsModule,
    JwtModule.register({}),
    TypeOrmModule.forFeature([RevokedAccessTokenEntity]),
  ],
  providers: [AccessTokensService, BearerTokenGuard],
  exports: [AccessTokensService, BearerTokenGuard],
})
export class AccessTokensModule {}
