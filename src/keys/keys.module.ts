import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SigningKeyEntity } from './entities/signing-key.entity';
import { JwksController } from './jwks.controller';
import { KeysService } from './keys.service';

@Module({
  imports: [TypeOrmModule.forFeature([SigningKeyEntity])],
  controllers: [JwksController],
  providers: [KeysService],
  exports: [KeysService],
})
export class KeysModule {}
