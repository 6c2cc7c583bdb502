import '@fastify/view';
import { Body, Controller, Get, Header, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BrowserSession } from '../auth/browser-session';
import { CsrfGuard } from '../auth/csrf.guard';
import { Holder } from './account-holder.decorator';
import { AccountPageFilter } from './account-page.filter';
import { AccountHolder, AccountService } from './account.service';
import { SignedInGuard } from './signed-in.guard';

/**
 * /account, the signed-in user's page. Each form posts with the page's CSRF token and is answered
 * with a 303 back to the page saying what was done (or, signed out everywhere, to the login page).
 */
@Controller('account')
@UseGuards(SignedInGuard)
export class AccountController {
  constructor(
    private readonly account: AccountService,
    private readonly session: BrowserSession,
  ) {}

  @Get()
  @RouteConfig({ page: true })
  @Header('Cache-Control', 'no-store')
  async page(
    @Holder() holder: AccountHolder,
    @Query('done') done: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return reply.view('account', this.session.withCsrfToken(request, await this.account.page(holder, done)));
  }

  @Post('password')
  @RouteConfig({ page: true })
  @UseGuards(CsrfGuard)
  @UseFilters(AccountPageFilter)
  async changePassword(
    @Holder() holder: AccountHolder,
    @Body() body: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ) {
    return reply.redirect(await this.account.changePassword(holder, body.current_password, body.new_password), 303);
  }

  @Post('apps/:clientId/remove')
  @RouteConfig({ page: true })
  @UseGuards(CsrfGuard)
  async removeApp(@Holder() holder: AccountHolder, @Param('clientId') clientId: string, @Res() reply: FastifyReply) {
    return reply.redirect(await this.account.removeApp(holder, clientId), 303);
  }

  @Post('sessions/:sessionId/sign-out')
  @RouteConfig({ page: true })
  @UseGuards(CsrfGuard)
  async endSession(@Holder() holder: AccountHolder, @Param('sessionId') sessionId: string, @Res() reply: FastifyReply) {
    return reply.redirect(await this.account.endSession(holder, sessionId), 303);
  }

  @Post('sign-out-everywhere')
  @RouteConfig({ page: true })
  @UseGuards(CsrfGuard)
  async endEverySession(@Holder() holder: AccountHolder, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const location = await this.account.endEverySession(holder);
    await this.session.signOut(request);
    return reply.redirect(location, 303);
  }
}
