import '@fastify/view';
import { Body, Controller, Get, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ClientIp } from '../common/http/client-ip.decorator';
import { UserEntity } from '../users/entities/user.entity';
import { BrowserSession } from './browser-session';
import { CsrfGuard } from './csrf.guard';
import { CurrentUser } from './current-user.decorator';
import { LocalAuthGuard } from './local-auth.guard';
import { LoginPageFilter } from './login-page.filter';
import { LoginService } from './login.service';
import { SessionUser } from './session.types';

/** Every route here is a page a person sees: a refused form (CSRF) is answered with the error page, not JSON. */
@Controller()
@UseFilters(LoginPageFilter)
export class LoginController {
  constructor(
    private readonly login: LoginService,
    private readonly session: BrowserSession,
  ) {}

  @Get('/')
  @RouteConfig({ page: true })
  async home(@Req() request: FastifyRequest, @CurrentUser() user: SessionUser | undefined, @Res() reply: FastifyReply) {
    const page = await this.login.homePage(user);
    return page ? reply.view('home', this.session.withCsrfToken(request, page)) : reply.redirect('/login', 303);
  }

  @Get('login')
  @RouteConfig({ page: true })
  loginPage(@Req() request: FastifyRequest, @Query('return_to') returnTo: unknown, @Res() reply: FastifyReply) {
    return reply.view('login', this.session.withCsrfToken(request, this.login.loginPage(returnTo)));
  }

  @Post('login')
  @RouteConfig({ page: true })
  @UseGuards(CsrfGuard, LocalAuthGuard)
  async signIn(
    @Req() request: FastifyRequest & { user: UserEntity },
    @Body('return_to') returnTo: unknown,
    @ClientIp() ip: string,
    @Res() reply: FastifyReply,
  ) {
    await this.session.signIn(request, request.user.id);
    const { location, deviceCookie } = await this.login.signedIn(request.user, returnTo, ip);
    return reply.setCookie(deviceCookie.name, deviceCookie.value, deviceCookie.options).redirect(location, 303);
  }
}
