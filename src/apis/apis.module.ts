import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiStore } from './api.store';
import { ApisService } from './apis.service';
import { ApiEntity } from './entities/api.entity';

@Module({
  imports: [TypeOrmModule.forFeature([ApiEntity])],
  providers: [ApisService, ApiStore],
  exports: [ApisService],
})
export class ApisModule {}
