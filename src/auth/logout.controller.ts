import '@fastify/view';
import { Body, Controller, Get, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BrowserSession } from './browser-session';
import { CsrfGuard } from './csrf.guard';
import { LogoutService } from './logout.service';

/** POST /logout ends the session; GET /logout is also the OpenID Connect end_session_endpoint. */
@Controller('logout')
export class LogoutController {
  constructor(
    private readonly logout: LogoutService,
    private readonly session: BrowserSession,
  ) {}

  @Get()
  @RouteConfig({ page: true })
  async confirm(@Query() query: Record<string, unknown>, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    return reply.view('logout', this.session.withCsrfToken(request, await this.logout.confirmationPage(query)));
  }

  @Post()
  @RouteConfig({ page: true })
  @UseGuards(CsrfGuard)
  async signOut(@Body() body: Record<string, unknown>, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const location = await this.logout.destination(body);
    await this.session.signOut(request);
    return reply.redirect(location, 303);
  }
}
