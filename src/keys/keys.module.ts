import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MetricsModule } from '../metrics/metrics.module';
import { SigningKeyEntity } from './entities/signing-key.entity';
import { JwksController } from './jwks.controller';
import { JwtSigner } from './jwt-signer.service';
import { KeysService } from './keys.service';

@Module({
  imports: [MetricsModule, TypeOrmModule.forFeature([SigningKeyEntity])],
  controllers: [JwksController],
  providers: [KeysService, JwtSigner],
  exports: [KeysService, JwtSigner],
})
export class KeysModule {}
