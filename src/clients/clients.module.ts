import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessTokensModule } from '../access-tokens/access-tokens.module';
import { ClientAuthenticationService } from './client-authentication.service';
import { ClientsController } from './clients.controller';
import { ClientsService } from './clients.service';
import { ClientEntity } from './entities/client.entity';
import { ClientAuthGuard } from './guards/client-auth.guard';

@Module({
  imports: [TypeOrmModule.forFeature([ClientEntity]), AccessTokensModule],
  controllers: [ClientsController],
  providers: [ClientsService, ClientAuthenticationService, ClientAuthGuard],
  exports: [ClientsService, ClientAuthenticationService, ClientAuthGuard],
})
export class ClientsModule {}
