import { Body, Controller, Get, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AccountChangesDto } from '../accounts/dto/account-changes.dto';
import { ListUsersQuery } from '../accounts/dto/list-users.query';
import { NewUserDto } from '../accounts/dto/new-user.dto';
import { AccountChanges, UserAccountsService } from '../accounts/user-accounts.service';
import { CsrfGuard } from '../auth/csrf.guard';
import { invalidRequestPipe } from '../common/http/strict-validation.pipe';
import { ConsoleAdmin, ConsoleAdminUser } from './console-admin';
import { ConsoleAdminGuard } from './console-admin.guard';
import { ConsoleForm, ConsolePage, ConsolePages, filled, validated } from './console-pages';
import { paging } from './paging';

type Form = Record<string, unknown>;

const userPath = (id: string) => `/console/users/${encodeURIComponent(id)}`;

/**
 * The console's users: list and search, create, name and email, disable and enable, a new
 * password, the admin role, the apps each user has allowed and the browsers they are signed in on. Disabling and making an
 * administrator ask for a recent sign-in.
 */
@Controller('console/users')
@UseGuards(ConsoleAdminGuard)
export class ConsoleUsersController {
  constructor(
    private readonly accounts: UserAccountsService,
    private readonly pages: ConsolePages,
  ) {}

  @Get()
  @RouteConfig({ page: true })
  list(@Query() query: Form, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const page: ConsolePage = { title: 'Users', section: 'users', q: query.q };
    return this.pages.submit(request, reply, {
      view: 'users',
      page: async () => page,
      act: async () => {
        const { q, limit, offset } = await validated(
          invalidRequestPipe,
          ListUsersQuery,
          filled(query, ['q', 'offset']),
        );
        const { items, total } = await this.accounts.list(limit, offset, q);
        return {
          view: 'users',
          page: { ...page, items, pager: paging('/console/users', { q }, { limit, offset, total }) },
        };
      },
    });
  }

  @Get('new')
  @RouteConfig({ page: true })
  newUser(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.show(request, reply, 'user-new', this.newUserPage());
  }

  @Post()
  @RouteConfig({ page: true })
  @UseGuards(CsrfGuard)
  create(
    @Body() body: Form,
    @ConsoleAdmin() admin: ConsoleAdminUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const fields = filled(body, ['username', 'name', 'email']);
    return this.pages.submit(request, reply, {
      view: 'user-new',
      page: async () => this.newUserPage(),
      values: fields,
      act: async () => {
        const input = await validated(invalidRequestPipe, NewUserDto, { ...fields, password: body.password });
        const user = await this.accounts.create(input, admin.origin);
        return userPath(user.id);
      },
    });
  }

  @Get(':id')
  @RouteConfig({ page: true })
  async show(
    @Param('id') id: string,
    @Query('done') done: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.pages.show(request, reply, 'user', { ...(await this.userPage(id)), done: done !== undefined });
  }

  @Post(':id')
  @RouteConfig({ page: true })
  @UseGuards(CsrfGuard)
  update(
    @Param('id') id: string,
    @Body() body: Form,
    @ConsoleAdmin() admin: ConsoleAdminUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const fields = filled(body, ['name', 'email']);
    return this.change(request, reply, id, admin, { values: fields }, () =>
      validated(invalidRequestPipe, AccountChangesDto, fields),
    );
  }

  @Post(':id/password')
  @RouteConfig({ page: true })
  @UseGuards(CsrfGuard)
  setPassword(
    @Param('id') id: string,
    @Body('new_password') password: unknown,
    @ConsoleAdmin() admin: ConsoleAdminUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.change(request, reply, id, admin, {}, () =>
      validated(invalidRequestPipe, AccountChangesDto, { password }),
    );
  }

  @Post(':id/disable')
  @RouteConfig({ page: true })
  @UseGuards(CsrfGuard)
  disable(
    @Param('id') id: string,
    @Body('password') password: unknown,
    @ConsoleAdmin() admin: ConsoleAdminUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.change(request, reply, id, admin, { sensitive: { password } }, async () => ({ disabled: true }));
  }

  @Post(':id/enable')
  @RouteConfig({ page: true })
  @UseGuards(CsrfGuard)
  enable(
    @Param('id') id: string,
    @ConsoleAdmin() admin: ConsoleAdminUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.change(request, reply, id, admin, {}, async () => ({ disabled: false }));
  }

  @Post(':id/make-admin')
  @RouteConfig({ page: true })
  @UseGuards(CsrfGuard)
  makeAdmin(
    @Param('id') id: string,
    @Body('password') password: unknown,
    @ConsoleAdmin() admin: ConsoleAdminUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.change(request, reply, id, admin, { sensitive: { password } }, async () => ({ admin: true }));
  }

  @Post(':id/remove-admin')
  @RouteConfig({ page: true })
  @UseGuards(CsrfGuard)
  removeAdmin(
    @Param('id') id: string,
    @ConsoleAdmin() admin: ConsoleAdminUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.change(request, reply, id, admin, {}, async () => ({ admin: false }));
  }

  @Post(':id/grants/:grantId/revoke')
  @RouteConfig({ page: true })
  @UseGuards(CsrfGuard)
  revokeGrant(
    @Param('id') id: string,
    @Param('grantId') grantId: string,
    @ConsoleAdmin() admin: ConsoleAdminUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.afterward(request, reply, id, () => this.accounts.revokeGrant(id, grantId, admin.origin));
  }

  @Post(':id/sessions/:sessionId/sign-out')
  @RouteConfig({ page: true })
  @UseGuards(CsrfGuard)
  endSession(
    @Param('id') id: string,
    @Param('sessionId') sessionId: string,
    @ConsoleAdmin() admin: ConsoleAdminUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.afterward(request, reply, id, () => this.accounts.endSession(id, sessionId, admin.origin));
  }

  @Post(':id/sessions/sign-out')
  @RouteConfig({ page: true })
  @UseGuards(CsrfGuard)
  endAllSessions(
    @Param('id') id: string,
    @ConsoleAdmin() admin: ConsoleAdminUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.afterward(request, reply, id, () => this.accounts.endAllSessions(id, admin.origin));
  }

  /** Does `work` for the user, then back to the user's page; refused, the page again with why. */
  private afterward(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    work: () => Promise<void>,
    form: Pick<ConsoleForm, 'values' | 'sensitive'> = {},
  ) {
    return this.pages.submit(request, reply, {
      ...form,
      view: 'user',
      page: () => this.userPage(id),
      act: async () => {
        await work();
        return `${userPath(id)}?done`;
      },
    });
  }

  /** One change to the account (UserAccountsService.change), then back to the user's page; refused, the page again with why. */
  private change(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    admin: ConsoleAdminUser,
    form: Pick<ConsoleForm, 'values' | 'sensitive'>,
    changes: () => Promise<AccountChanges>,
  ) {
    return this.afterward(
      request,
      reply,
      id,
      async () => {
        await this.accounts.change(id, await changes(), admin.origin);
      },
      form,
    );
  }

  private newUserPage(): ConsolePage {
    return { title: 'Create a user', section: 'users', values: {} };
  }

  private async userPage(id: string): Promise<ConsolePage> {
    const [user, grants, sessions] = await Promise.all([
      this.accounts.get(id),
      this.accounts.grantsOf(id),
      this.accounts.sessionsOf(id),
    ]);
    return {
      title: user.username,
      section: 'users',
      user,
      grants,
      sessions,
      values: { name: user.name, email: user.email },
    };
  }
}
