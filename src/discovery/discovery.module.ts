import { Module } from '@nestjs/common';
import { TokensModule } from '../tokens/tokens.module';
import { DiscoveryController } from './discovery.controller';
import { DiscoveryService } from './discovery.service';

@Module({ imports: [TokensModule], controllers: [DiscoveryController], providers: [DiscoveryService] })
export class DiscoveryModule {}
