import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProviderEnvironment } from '../config/environment';
import { ChangeCounterEntity } from './change-counter.entity';
import { ChangeCounters } from './change-counters.service';
import { dataSourceOptions, openDataSource } from './data-source-options';
import { TransactionsService } from './transactions.service';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<ProviderEnvironment, true>) =>
        dataSourceOptions(
          config.get('DATABASE_URL', { infer: true }),
          config.get('DATABASE_POOL_SIZE', { infer: true }),
        ),
      dataSourceFactory: (options) => openDataSource(options!),
    }),
    TypeOrmModule.forFeature([ChangeCounterEntity]),
  ],
  providers: [TransactionsService, ChangeCounters],
  exports: [TransactionsService, ChangeCounters],
})
export class DatabaseModule {}
