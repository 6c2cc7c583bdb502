import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { AccessTokensModule } from '../access-tokens/access-tokens.module';
import { ApisModule } from '../apis/apis.module';
import { ClientsModule } from '../clients/clients.module';
import { ApisController } from './apis.controller';
import { AuditEventsController } from './audit-events.controller';
import { ClientsController } from './clients.controller';
import { AdminApiDocument } from './openapi/admin-api-document';
import { OpenApiController } from './openapi/openapi.controller';
import { UsersController } from './users.controller';

/**
 * The administration HTTP surface, under /admin: a bearer token of this provider with the
 * `admin` scope (AccessTokensModule's guard). It sits on top of the features it administers and
 * imports them; no feature imports it. The audit trail's writer (AuditModule) is global.
 */
@Module({
  imports: [AccessTokensModule, ClientsModule, AccountsModule, ApisModule],
  controllers: [ClientsController, UsersController, AuditEventsController, ApisController, OpenApiController],
  providers: [AdminApiDocument],
})
export class AdminModule {}
