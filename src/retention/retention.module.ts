import { Module } from '@nestjs/common';
import { AuthCodesModule } from '../auth-codes/auth-codes.module';
import { MetricsModule } from '../metrics/metrics.module';
import { TokensModule } from '../tokens/tokens.module';
import { RetentionService } from './retention.service';

/** Deletes, on a schedule, what has been expired long enough to serve no purpose (RetentionService). */
@Module({
  imports: [AuthCodesModule, MetricsModule, TokensModule],
  providers: [RetentionService],
})
export class RetentionModule {}
