import '@fastify/view';
import { Body, Controller, Get, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CsrfGuard } from '../auth/csrf.guard';
import { CurrentUser } from '../auth/current-user.decorator';
import { SessionGuard } from '../auth/session.guard';
import { SessionUser } from '../auth/session.types';
import { ClientIp } from '../common/http/client-ip.decorator';
import { AuthorizationService } from './authorization.service';

/** RFC 6749 §3.1 authorization endpoint: GET starts the conversation, POST takes the user's consent. */
@Controller('oauth/authorize')
export class AuthorizeController {
  constructor(private readonly authorization: AuthorizationService) {}

  @Get()
  @RouteConfig({ page: true })
  async authorize(
    @Query() query: Record<string, unknown>,
    @CurrentUser() user: SessionUser | undefined,
    @Req() request: FastifyRequest,
    @ClientIp() ip: string,
    @Res() reply: FastifyReply,
  ) {
    const outcome = await this.authorization.authorize(query, user, request, ip);
    return 'redirect' in outcome ? reply.redirect(outcome.redirect, 303) : reply.view('consent', outcome.consentPage);
  }

  @Post()
  @RouteConfig({ page: true })
  @UseGuards(SessionGuard, CsrfGuard)
  async decide(
    @Body() body: Record<string, unknown>,
    @CurrentUser() user: SessionUser,
    @ClientIp() ip: string,
    @Res() reply: FastifyReply,
  ) {
    return reply.redirect(await this.authorization.decide(body, user, ip), 303);
  }
}
