import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { KeysModule } from '../keys/keys.module';
import { IdTokensService } from './id-tokens.service';

@Module({
  imports: [KeysModule, JwtModule.register({})],
  providers: [IdTokensService],
  exports: [IdTokensService],
})
export class IdTokensModule {}
