import { Body, Controller, Get, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CsrfGuard } from '../auth/csrf.guard';
import { KeysService } from '../keys/keys.service';
import { ConsoleAdmin, ConsoleAdminUser } from './console-admin';
import { ConsoleAdminGuard } from './console-admin.guard';
import { ConsolePage, ConsolePages } from './console-pages';

/** The signing keys, next, active and retired, and their staged rotation (confirmed, with a recent sign-in). */
@Controller('console/keys')
@UseGuards(ConsoleAdminGuard)
export class ConsoleKeysController {
  constructor(
    private readonly keys: KeysService,
    private readonly pages: ConsolePages,
  ) {}

  @Get()
  @RouteConfig({ page: true })
  async list(@Query('rotated') rotated: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.show(request, reply, 'keys', { ...(await this.keysPage()), rotated: rotated !== undefined });
  }

  @Get('rotate')
  @RouteConfig({ page: true })
  confirmRotation(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.show(request, reply, 'keys-rotate', this.rotatePage());
  }

  @Post('rotate')
  @RouteConfig({ page: true })
  @UseGuards(CsrfGuard)
  rotate(
    @Body('password') password: unknown,
    @ConsoleAdmin() admin: ConsoleAdminUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.pages.submit(request, reply, {
      view: 'keys-rotate',
      page: async () => this.rotatePage(),
      sensitive: { password },
      act: async () => {
        await this.keys.rotate(admin.origin);
        return '/console/keys?rotated';
      },
    });
  }

  private async keysPage(): Promise<ConsolePage> {
    const now = new Date();
    const keys = (await this.keys.listKeys()).map((key) => ({
      kid: key.kid,
      alg: key.alg,
      created: key.createdAt.toISOString(),
      activates: key.activatesAt.toISOString(),
      next: key.activatesAt > now,
      retired: key.retiredAt && key.retiredAt <= now ? key.retiredAt.toISOString() : undefined,
      withdrawn: key.withdrawnAt?.toISOString(),
    }));
    return {
      title: 'Signing keys',
      section: 'keys',
      next: keys.filter((key) => key.next && !key.retired),
      active: keys.filter((key) => !key.next && !key.retired),
      retired: keys.filter((key) => key.retired),
    };
  }

  private rotatePage(): ConsolePage {
    return { title: 'Rotate the signing keys', section: 'keys' };
  }
}
