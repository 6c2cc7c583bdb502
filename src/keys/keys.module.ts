import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SigningKeyEntity } from './entities/signing-key.entity';
import { JwksController } from './jwks.controller';
import { JwtSigner } from './jwt-signer.service';
import { KeysService } from './keys.service';

@Module({
  imports: [TypeOrmModule.forFeature([SigningKeyEntity])],
  controllers: [JwksController],
  providers: [KeysService, JwtSigner],
  exports: [KeysService, JwtSigner],
})
export class KeysModule {}
