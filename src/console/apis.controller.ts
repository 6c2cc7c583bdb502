import { Body, Controller, Get, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApisService } from '../apis/apis.service';
import { ApiChangesDto, ApiMetadataDto } from '../apis/dto/api-metadata.dto';
import { CsrfGuard } from '../auth/csrf.guard';
import { PageQuery } from '../common/http/page.query';
import { invalidRequestPipe } from '../common/http/strict-validation.pipe';
import { apiFormValues, apiMetadataFrom, NEW_API_VALUES } from './api-form';
import { ConsoleAdmin, ConsoleAdminUser } from './console-admin';
import { ConsoleAdminGuard } from './console-admin.guard';
import { ConsolePage, ConsolePages, filled, validated } from './console-pages';
import { paging } from './paging';
import { confirmTyped } from './typed-confirmation';

type Form = Record<string, unknown>;

const apiPath = (id: string) => `/console/apis/${encodeURIComponent(id)}`;

/** The console's APIs (resource servers): list, register, change name, scopes and token lifetime, delete (typed confirmation, recent sign-in). */
@Controller('console/apis')
@UseGuards(ConsoleAdminGuard)
export class ConsoleApisController {
  constructor(
    private readonly apis: ApisService,
    private readonly pages: ConsolePages,
  ) {}

  @Get()
  @RouteConfig({ page: true })
  list(@Query() query: Form, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const page: ConsolePage = { title: 'APIs', section: 'apis' };
    return this.pages.submit(request, reply, {
      view: 'apis',
      page: async () => page,
      act: async () => {
        const { limit, offset } = await validated(invalidRequestPipe, PageQuery, filled(query, ['offset']));
        const { items, total } = await this.apis.list(limit, offset);
        return { view: 'apis', page: { ...page, items, pager: paging('/console/apis', {}, { limit, offset, total }) } };
      },
    });
  }

  @Get('new')
  @RouteConfig({ page: true })
  newApi(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.show(request, reply, 'api-new', this.newApiPage());
  }

  @Post()
  @RouteConfig({ page: true })
  @UseGuards(CsrfGuard)
  create(
    @Body() body: Form,
    @ConsoleAdmin() admin: ConsoleAdminUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.pages.submit(request, reply, {
      view: 'api-new',
      page: async () => this.newApiPage(),
      values: apiFormValues(body),
      act: async () => {
        const metadata = apiMetadataFrom(body, ['identifier', 'name']);
        const api = await this.apis.create(await validated(invalidRequestPipe, ApiMetadataDto, metadata), admin.origin);
        return `${apiPath(api.id)}?saved`;
      },
    });
  }

  @Get(':id')
  @RouteConfig({ page: true })
  async show(
    @Param('id') id: string,
    @Query('saved') saved: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.pages.show(request, reply, 'api', { ...(await this.apiPage(id)), saved: saved !== undefined });
  }

  @Post(':id')
  @RouteConfig({ page: true })
  @UseGuards(CsrfGuard)
  update(
    @Param('id') id: string,
    @Body() body: Form,
    @ConsoleAdmin() admin: ConsoleAdminUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.pages.submit(request, reply, {
      view: 'api',
      page: () => this.apiPage(id),
      values: apiFormValues(body),
      act: async () => {
        const changes = await validated(invalidRequestPipe, ApiChangesDto, apiMetadataFrom(body, ['name']));
        await this.apis.update(id, changes, admin.origin);
        return `${apiPath(id)}?saved`;
      },
    });
  }

  @Get(':id/delete')
  @RouteConfig({ page: true })
  async confirmDelete(@Param('id') id: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.show(request, reply, 'api-delete', await this.deletePage(id));
  }

  @Post(':id/delete')
  @RouteConfig({ page: true })
  @UseGuards(CsrfGuard)
  delete(
    @Param('id') id: string,
    @Body() body: Form,
    @ConsoleAdmin() admin: ConsoleAdminUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.pages.submit(request, reply, {
      view: 'api-delete',
      page: () => this.deletePage(id),
      sensitive: { password: body.password },
      act: async () => {
        const api = await this.apis.get(id);
        confirmTyped(body.confirmation, [api.identifier, api.name], "the API's name or identifier");
        await this.apis.delete(id, admin.origin);
        return '/console/apis';
      },
    });
  }

  private newApiPage(): ConsolePage {
    return { title: 'Register an API', section: 'apis', values: NEW_API_VALUES };
  }

  private async apiPage(id: string): Promise<ConsolePage> {
    const api = await this.apis.get(id);
    return { title: api.name, section: 'apis', api, values: apiFormValues(api) };
  }

  private async deletePage(id: string): Promise<ConsolePage> {
    const api = await this.apis.get(id);
    return { title: `Delete ${api.name}`, section: 'apis', api };
  }
}
