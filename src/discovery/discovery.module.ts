import { Module } from '@nestjs/common';
import { ApisModule } from '../apis/apis.module';
import { TokensModule } from '../tokens/tokens.module';
import { DiscoveryController } from './discovery.controller';
import { DiscoveryService } from './discovery.service';

@Module({ imports: [TokensModule, ApisModule], controllers: [DiscoveryController], providers: [DiscoveryService] })
export class DiscoveryModule {}
