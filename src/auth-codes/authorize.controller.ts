import '@fastify/view';
import { Body, Controller, Get, Post, Req, Res, UseGuards } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BrowserSession } from '../auth/browser-session';
import { CsrfGuard } from '../auth/csrf.guard';
import { ClientIp } from '../common/http/client-ip.decorator';
import { AuthorizationService, SignedInAuthorization, SWITCH_ACCOUNT } from './authorization.service';
import { SignedIn, SignedInAuthorizationGuard } from './signed-in-authorization.guard';

/**
 * RFC 6749 §3.1 authorization endpoint: GET starts the conversation, POST takes the user's consent,
 * or their "Not you?": the session ends and the same request starts again at the login page.
 */
@Controller('oauth/authorize')
export class AuthorizeController {
  constructor(
    private readonly authorization: AuthorizationService,
    private readonly session: BrowserSession,
  ) {}

  @Get()
  @RouteConfig({ page: true })
  @UseGuards(SignedInAuthorizationGuard)
  async authorize(
    @SignedIn() signedIn: SignedInAuthorization,
    @ClientIp() ip: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const outcome = await this.authorization.authorize(signedIn, ip);
    return 'redirect' in outcome
      ? reply.redirect(outcome.redirect, 303)
      : reply.view('consent', this.session.withCsrfToken(request, outcome.consentPage));
  }

  @Post()
  @RouteConfig({ page: true })
  @UseGuards(SignedInAuthorizationGuard, CsrfGuard)
  async decide(
    @SignedIn() signedIn: SignedInAuthorization,
    @Body('decision') decision: unknown,
    @ClientIp() ip: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    if (decision === SWITCH_ACCOUNT) {
      await this.session.signOut(request);
      return reply.redirect(this.authorization.signInAgain(signedIn), 303);
    }
    return reply.redirect(await this.authorization.decide(signedIn, decision, ip), 303);
  }
}
