import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApisModule } from '../apis/apis.module';
import { AuthModule } from '../auth/auth.module';
import { ClientsModule } from '../clients/clients.module';
import { GrantsModule } from '../grants/grants.module';
import { UsersModule } from '../users/users.module';
import { AuthCodesService } from './auth-codes.service';
import { AuthorizationCodeStore } from './authorization-code.store';
import { AuthorizationRequestValidator } from './authorization-request.validator';
import { AuthorizeController } from './authorize.controller';
import { AuthorizationService } from './authorization.service';
import { ConsentsService } from './consents.service';
import { ConsentEntity } from './entities/consent.entity';
import { AuthorizationCodeEntity } from './entities/authorization-code.entity';

@Module({
  imports: [
    TypeOrmModule.forFeature([AuthorizationCodeEntity, ConsentEntity]),
    GrantsModule,
    AuthModule,
    ApisModule,
    ClientsModule,
    UsersModule,
  ],
  controllers: [AuthorizeController],
  providers: [
    AuthCodesService,
    AuthorizationCodeStore,
    AuthorizationRequestValidator,
    AuthorizationService,
    ConsentsService,
  ],
  // The store for retention, which deletes expired codes; the features use AuthCodesService, and
  // the account page ConsentsService (what the user has allowed, and removing it).
  exports: [AuthCodesService, AuthorizationCodeStore, ConsentsService],
})
export class AuthCodesModule {}
