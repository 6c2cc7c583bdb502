import { Controller, Get, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { UserEntity } from '../users/entities/user.entity';
import { CsrfGuard } from './csrf.guard';
import { LocalAuthGuard } from './local-auth.guard';
import { LoginPageFilter } from './login-page.filter';
import { LoginService } from './login.service';
import { CurrentUser } from './current-user.decorator';
import { SessionUser } from './session.types';

/** Every route here is a page a person sees: a refused form (CSRF) is answered with the error page, not JSON. */
@Controller()
@UseFilters(LoginPageFilter)
export class LoginController {
  constructor(private readonly login: LoginService) {}

  @Get('/')
  @RouteConfig({ page: true })
  home(@Req() request: FastifyRequest, @CurrentUser() user: SessionUser | undefined, @Res() reply: FastifyReply) {
    return this.login.renderHome(request, reply, user);
  }

  @Get('login')
  @RouteConfig({ page: true })
  loginPage(@Req() request: FastifyRequest, @Query('return_to') returnTo: unknown, @Res() reply: FastifyReply) {
    return this.login.renderLoginPage(request, reply, returnTo);
  }

  @Post('login')
  @RouteConfig({ page: true })
  @UseGuards(CsrfGuard, LocalAuthGuard)
  signIn(@Req() request: FastifyRequest & { user: UserEntity }, @Res() reply: FastifyReply) {
    return this.login.signIn(request, reply, request.user);
  }
}
