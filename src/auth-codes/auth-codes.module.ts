import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { ClientsModule } from '../clients/clients.module';
import { UsersModule } from '../users/users.module';
import { AuthCodesService } from './auth-codes.service';
import { GrantsService } from './grants.service';
import { AuthorizationRequestValidator } from './authorization-request.validator';
import { AuthorizeController } from './authorize.controller';
import { ConsentService } from './consent.service';
import { AuthorizationCodeEntity } from './entities/authorization-code.entity';
import { GrantEntity } from './entities/grant.entity';

@Module({
  imports: [TypeOrmModule.forFeature([AuthorizationCodeEntity, GrantEntity]), AuthModule, ClientsModule, UsersModule],
  controllers: [AuthorizeController],
  providers: [AuthCodesService, GrantsService, AuthorizationRequestValidator, ConsentService],
  exports: [AuthCodesService, GrantsService],
})
export class AuthCodesModule {}
