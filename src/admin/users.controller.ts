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
import { AccountChangesDto } from '../accounts/dto/account-changes.dto';
import { ListUsersQuery } from '../accounts/dto/list-users.query';
import { NewUserDto } from '../accounts/dto/new-user.dto';
import { UserAccountsService } from '../accounts/user-accounts.service';
import { BearerTokenGuard } from '../access-tokens/bearer-token.guard';
import { RequireScope } from '../access-tokens/require-scope.decorator';
import { AuditOrigin } from '../audit/audit-event-types';
import { invalidRequestPipe } from '../common/http/strict-validation.pipe';
import { ActingAdmin } from './acting-admin.decorator';

/**
 * The users administration API: a bearer token of this provider with the `admin` scope, as for
 * the clients API. Answers tell who may sign in and with what rights, so no cache keeps them.
 */
@Controller('admin/users')
@UseGuards(BearerTokenGuard)
@RequireScope('admin')
@UsePipes(invalidRequestPipe)
export class UsersController {
  constructor(private readonly accounts: UserAccountsService) {}

  @Post()
  @Header('Cache-Control', 'no-store')
  create(@Body() body: NewUserDto, @ActingAdmin() admin: AuditOrigin) {
    const { username, password, name, email, admin: isAdmin } = body;
    return this.accounts.create({ username, password, name, email, isAdmin }, admin);
  }

  @Get()
  @Header('Cache-Control', 'no-store')
  list(@Query() query: ListUsersQuery) {
    return this.accounts.list(query.limit, query.offset, query.q);
  }

  @Get(':id')
  @Header('Cache-Control', 'no-store')
  get(@Param('id') id: string) {
    return this.accounts.get(id);
  }

  @Patch(':id')
  @Header('Cache-Control', 'no-store')
  update(@Param('id') id: string, @Body() body: AccountChangesDto, @ActingAdmin() admin: AuditOrigin) {
    return this.accounts.change(id, body, admin);
  }

  @Delete(':id')
  @HttpCode(204)
  delete(@Param('id') id: string, @ActingAdmin() admin: AuditOrigin) {
    return this.accounts.delete(id, admin);
  }

  @Get(':id/grants')
  @Header('Cache-Control', 'no-store')
  grants(@Param('id') id: string) {
    return this.accounts.grantsOf(id);
  }

  @Delete(':id/grants/:grantId')
  @HttpCode(204)
  revokeGrant(@Param('id') id: string, @Param('grantId') grantId: string, @ActingAdmin() admin: AuditOrigin) {
    return this.accounts.revokeGrant(id, grantId, admin);
  }

  @Get(':id/sessions')
  @Header('Cache-Control', 'no-store')
  sessions(@Param('id') id: string) {
    return this.accounts.sessionsOf(id);
  }

  @Delete(':id/sessions/:sessionId')
  @HttpCode(204)
  endSession(@Param('id') id: string, @Param('sessionId') sessionId: string, @ActingAdmin() admin: AuditOrigin) {
    return this.accounts.endSession(id, sessionId, admin);
  }
}
