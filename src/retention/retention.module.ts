import { Module } from '@nestjs/common';
import { RetentionService } from './retention.service';

/** Deletes, on a schedule, what has been expired long enough to serve no purpose (RetentionService). */
@Module({
  providers: [RetentionService],
})
export class RetentionModule {}
