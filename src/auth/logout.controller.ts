import '@fastify/view';
import { Body, Controller, Get, Post, Query, Req, Res, Session, UseGuards } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifySessionObject as FastifySession } from '@fastify/session';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CsrfGuard } from './csrf.guard';
import { LogoutService } from './logout.service';

/** POST /logout ends the session; GET /logout is also the OpenID Connect end_session_endpoint. */
@Controller('logout')
export class LogoutController {
  constructor(private readonly logout: LogoutService) {}

  @Get()
  @RouteConfig({ page: true })
  async confirm(@Query() query: Record<string, unknown>, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    return reply.view('logout', await this.logout.confirmationPage(query, request));
  }

  @Post()
  @RouteConfig({ page: true })
  @UseGuards(CsrfGuard)
  async signOut(@Body() body: Record<string, unknown>, @Session() session: FastifySession, @Res() reply: FastifyReply) {
    return reply.redirect(await this.logout.signOut(body, session), 303);
  }
}
