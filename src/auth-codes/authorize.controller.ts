import { Body, Controller, Get, Post, Query, Render, Res, Session, UseGuards } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply, Session as FastifySession } from 'fastify';
import { CsrfGuard } from '../auth/csrf.guard';
import { CurrentUser } from '../auth/current-user.decorator';
import { SessionGuard } from '../auth/session.guard';
import { SessionUser } from '../auth/session.types';
import { ConsentService } from './consent.service';

/** RFC 6749 §3.1 authorization endpoint: GET shows the consent page, POST takes the user's answer. */
@Controller('oauth/authorize')
export class AuthorizeController {
  constructor(private readonly consent: ConsentService) {}

  @Get()
  @RouteConfig({ page: true })
  @Render('consent')
  authorize(
    @Query() query: Record<string, unknown>,
    @CurrentUser() user: SessionUser | undefined,
    @Session() session: FastifySession,
  ) {
    return this.consent.consentPage(query, user, session);
  }

  @Post()
  @RouteConfig({ page: true })
  @UseGuards(SessionGuard, CsrfGuard)
  async decide(@Body() body: Record<string, unknown>, @CurrentUser() user: SessionUser, @Res() reply: FastifyReply) {
    return reply.redirect(await this.consent.decide(body, user), 303);
  }
}
