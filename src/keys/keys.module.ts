import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApisModule } from '../apis/apis.module';
import { MetricsModule } from '../metrics/metrics.module';
import { SigningKeyEntity } from './entities/signing-key.entity';
import { JwksController } from './jwks.controller';
import { JwtSigner } from './jwt-signer.service';
import { KeysService } from './keys.service';

@Module({
  imports: [ApisModule, MetricsModule, TypeOrmModule.forFeature([SigningKeyEntity])],
  controllers: [JwksController],
  providers: [KeysService, JwtSigner],
  exports: [KeysService, JwtSigner],
})
export class KeysModule {}
