import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProviderEnvironment } from '../config/environment';
import { dataSourceOptions } from './data-source-options';
import { TransactionsService } from './transactions.service';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<ProviderEnvironment, true>) =>
        dataSourceOptions(config.get('DATABASE_URL', { infer: true })),
    }),
  ],
  providers: [TransactionsService],
  exports: [TransactionsService],
})
export class DatabaseModule {}
