import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientEntity } from '../clients/entities/client.entity';
import { GrantEntity } from '../grants/grant.entity';
import { KeysModule } from '../keys/keys.module';
import { AccessTokensService } from './access-tokens.service';
import { BearerTokenGuard } from './bearer-token.guard';
import { RevokedAccessTokenEntity } from './revoked-access-token.entity';

/**
 * Access tokens: issuing them and checking those presented to the
 * provider's own APIs. It reads clients and grants directly (to see whether
 * they still stand) so that the modules owning them can use its guard.
 */
@Module({
  imports: [
    KeysModule,
    JwtModule.register({}),
    TypeOrmModule.forFeature([ClientEntity, GrantEntity, RevokedAccessTokenEntity]),
  ],
  providers: [AccessTokensService, BearerTokenGuard],
  exports: [AccessTokensService, BearerTokenGuard],
})
export class AccessTokensModule {}
