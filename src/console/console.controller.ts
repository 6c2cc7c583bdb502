import { Controller, Get, Res, UseGuards } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import { ConsoleAdminGuard } from './console-admin.guard';

/** The console's front door opens on its first section. */
@Controller('console')
@UseGuards(ConsoleAdminGuard)
export class ConsoleController {
  @Get()
  @RouteConfig({ page: true })
  home(@Res() reply: FastifyReply) {
    return reply.redirect('/console/clients', 303);
  }
}
