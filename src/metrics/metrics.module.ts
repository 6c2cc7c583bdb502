import { Module } from '@nestjs/common';
import { DatabaseMetrics } from './database.metrics';
import { ProviderMetrics } from './provider-metrics';

/** ProviderMetrics for the features that report what happens; it imports no feature. */
@Module({
  providers: [ProviderMetrics, DatabaseMetrics],
  exports: [ProviderMetrics],
})
export class MetricsModule {}
