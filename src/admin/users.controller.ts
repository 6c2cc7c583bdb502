import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  UseGuards,
  UsePipes,
} from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse } from '@nestjs/swagger';
import { AccountChangesDto } from '../accounts/dto/account-changes.dto';
import { ListUsersQuery } from '../accounts/dto/list-users.query';
import { NewUserDto } from '../accounts/dto/new-user.dto';
import { GrantView } from '../accounts/grant.view';
import { UserAccountsService } from '../accounts/user-accounts.service';
import { BearerTokenGuard } from '../access-tokens/bearer-token.guard';
import { RequireScope } from '../access-tokens/require-scope.decorator';
import { AuditOrigin } from '../audit/audit-event-types';
import { SessionView } from '../auth/session.view';
import { PageOf } from '../common/http/page';
import { invalidRequestPipe } from '../common/http/strict-validation.pipe';
import { UserView } from '../users/user.view';
import { ActingAdmin } from './acting-admin.decorator';
import { AdminApi, ApiRefused, ApiUnknown } from './openapi/admin-api-responses';

/**
 * The users administration API: a bearer token of this provider with the `admin` scope, as for
 * the clients API. Answers tell who may sign in and with what rights, so no cache keeps them.
 */
@Controller('admin/users')
@UseGuards(BearerTokenGuard)
@RequireScope('admin')
@AdminApi('users')
@UsePipes(invalidRequestPipe)
export class UsersController {
  constructor(private readonly accounts: UserAccountsService) {}

  @Post()
  @Header('Cache-Control', 'no-store')
  @ApiCreatedResponse({ type: UserView })
  @ApiRefused()
  create(@Body() body: NewUserDto, @ActingAdmin() admin: AuditOrigin) {
    const { username, password, name, email, admin: isAdmin } = body;
    return this.accounts.create({ username, password, name, email, isAdmin }, admin);
  }

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ type: PageOf(UserView) })
  @ApiRefused()
  list(@Query() query: ListUsersQuery) {
    return this.accounts.list(query.limit, query.offset, query.q);
  }

  @Get(':id')
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ type: UserView })
  @ApiUnknown('user')
  get(@Param('id') id: string) {
    return this.accounts.get(id);
  }

  @Patch(':id')
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ type: UserView })
  @ApiRefused()
  @ApiUnknown('user')
  update(@Param('id') id: string, @Body() body: AccountChangesDto, @ActingAdmin() admin: AuditOrigin) {
    return this.accounts.change(id, body, admin);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted, with its grants; its browser sessions end.' })
  @ApiRefused()
  @ApiUnknown('user')
  delete(@Param('id') id: string, @ActingAdmin() admin: AuditOrigin) {
    return this.accounts.delete(id, admin);
  }

  @Get(':id/grants')
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ type: [GrantView], description: 'The user’s live grants, newest first.' })
  @ApiUnknown('user')
  grants(@Param('id') id: string) {
    return this.accounts.grantsOf(id);
  }

  @Delete(':id/grants/:grantId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Revoked, with every token of the grant.' })
  @ApiUnknown('user, or no such live grant of the user')
  revokeGrant(@Param('id') id: string, @Param('grantId') grantId: string, @ActingAdmin() admin: AuditOrigin) {
    return this.accounts.revokeGrant(id, grantId, admin);
  }

  @Get(':id/sessions')
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ type: [SessionView], description: 'The user’s live browser sessions, newest first.' })
  @ApiUnknown('user')
  sessions(@Param('id') id: string) {
    return this.accounts.sessionsOf(id);
  }

  @Delete(':id/sessions/:sessionId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Ended: its next request is signed out.' })
  @ApiUnknown('user, or no such live session of the user')
  endSession(@Param('id') id: string, @Param('sessionId') sessionId: string, @ActingAdmin() admin: AuditOrigin) {
    return this.accounts.endSession(id, sessionId, admin);
  }
}
