import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditEventEntity } from './audit-event.entity';
import { AuditService } from './audit.service';

/**
 * The audit trail's writer, for every feature module (and the CLI) without each importing
 * it: like logging, it sits beside the features rather than among them. Its admin API is in
 * AdminModule.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([AuditEventEntity])],
  providers: [AuditService],
  exports: [AuditService],
})
export class AuditModule {}
