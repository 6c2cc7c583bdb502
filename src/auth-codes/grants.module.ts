import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GrantEntity } from './entities/grant.entity';
import { GrantsService } from './grants.service';

/** The grants alone, for whoever ends them without serving the authorization endpoint (the CLI among them). */
@Module({
  imports: [TypeOrmModule.forFeature([GrantEntity])],
  providers: [GrantsService],
  exports: [GrantsService],
})
export class GrantsModule {}
