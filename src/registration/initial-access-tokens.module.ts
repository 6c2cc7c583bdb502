import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { InitialAccessTokenEntity } from './entities/initial-access-token.entity';
import { InitialAccessTokenStore } from './initial-access-token.store';
import { InitialAccessTokensService } from './initial-access-tokens.service';

/** The initial access tokens alone, for the registration endpoint and for the CLI that makes them. */
@Module({
  imports: [TypeOrmModule.forFeature([InitialAccessTokenEntity])],
  providers: [InitialAccessTokenStore, InitialAccessTokensService],
  exports: [InitialAccessTokensService],
})
export class InitialAccessTokensModule {}
