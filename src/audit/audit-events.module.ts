import { Module } from '@nestjs/common';
import { AccessTokensModule } from '../access-tokens/access-tokens.module';
import { AuditEventsController } from './audit-events.controller';

@Module({
  imports: [AccessTokensModule],
  controllers: [AuditEventsController],
})
export class AuditEventsModule {}
