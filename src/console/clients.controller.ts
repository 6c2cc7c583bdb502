import { Body, Controller, Get, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CsrfGuard } from '../auth/csrf.guard';
import { ClientsService, ClientWithSecret } from '../clients/clients.service';
import { ClientMetadataDto } from '../clients/dto/client-metadata.dto';
import { clientMetadataPipe } from '../clients/dto/client-metadata.pipe';
import { ListClientsQuery } from '../clients/dto/list-clients.query';
import { invalidRequestPipe } from '../common/http/strict-validation.pipe';
import { clientFormValues, clientMetadataFrom, NEW_CLIENT_VALUES } from './client-form';
import { ConsoleAdmin, ConsoleAdminUser } from './console-admin';
import { ConsoleAdminGuard } from './console-admin.guard';
import { ConsolePage, ConsolePages, filled, validated } from './console-pages';
import { paging } from './paging';
import { confirmTyped } from './typed-confirmation';

type Form = Record<string, unknown>;

/** The console's clients: list and search, register, change, new secret, delete (typed confirmation, recent sign-in). */
@Controller('console/clients')
@UseGuards(ConsoleAdminGuard)
export class ConsoleClientsController {
  constructor(
    private readonly clients: ClientsService,
    private readonly pages: ConsolePages,
  ) {}

  @Get()
  @RouteConfig({ page: true })
  async list(@Query() query: Form, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const page: ConsolePage = { title: 'Clients', section: 'clients', q: query.q };
    return this.pages.submit(request, reply, {
      view: 'clients',
      page: async () => page,
      act: async () => {
        const { q, limit, offset } = await validated(
          invalidRequestPipe,
          ListClientsQuery,
          filled(query, ['q', 'offset']),
        );
        const { items, total } = await this.clients.list(limit, offset, q);
        const pager = paging('/console/clients', { q }, { limit, offset, total });
        return { view: 'clients', page: { ...page, items, pager } };
      },
    });
  }

  @Get('new')
  @RouteConfig({ page: true })
  newClient(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.show(request, reply, 'client-new', this.newClientPage());
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
    const metadata = clientMetadataFrom(body);
    return this.pages.submit(request, reply, {
      view: 'client-new',
      page: async () => this.newClientPage(),
      values: clientFormValues(metadata),
      act: async () => {
        const valid = await validated(clientMetadataPipe, ClientMetadataDto, metadata);
        return this.secretPage('Client registered', await this.clients.create(valid, admin.origin));
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
    return this.pages.show(request, reply, 'client', { ...(await this.clientPage(id)), saved: saved !== undefined });
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
    const metadata = clientMetadataFrom(body);
    return this.pages.submit(request, reply, {
      view: 'client',
      page: () => this.clientPage(id),
      values: clientFormValues(metadata),
      act: async () => {
        const valid = await validated(clientMetadataPipe, ClientMetadataDto, metadata);
        const client = await this.clients.update(id, valid, admin.origin);
        // A client made confidential gets its first secret: shown this once.
        return client.client_secret
          ? this.secretPage('Client saved', client)
          : `/console/clients/${encodeURIComponent(id)}?saved`;
      },
    });
  }

  @Post(':id/secret')
  @RouteConfig({ page: true })
  @UseGuards(CsrfGuard)
  rotateSecret(
    @Param('id') id: string,
    @ConsoleAdmin() admin: ConsoleAdminUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.pages.submit(request, reply, {
      view: 'client',
      page: () => this.clientPage(id),
      act: async () => this.secretPage('New client secret', await this.clients.rotateSecret(id, admin.origin)),
    });
  }

  @Get(':id/delete')
  @RouteConfig({ page: true })
  async confirmDelete(@Param('id') id: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.show(request, reply, 'client-delete', await this.deletePage(id));
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
      view: 'client-delete',
      page: () => this.deletePage(id),
      sensitive: { password: body.password },
      act: async () => {
        const client = await this.clients.get(id);
        confirmTyped(body.confirmation, [client.client_id, client.name], "the client's name or client ID");
        await this.clients.delete(id, admin.origin);
        return '/console/clients';
      },
    });
  }

  private newClientPage(): ConsolePage {
    return { title: 'Register a client', section: 'clients', values: NEW_CLIENT_VALUES };
  }

  private async clientPage(id: string): Promise<ConsolePage> {
    const client = await this.clients.get(id);
    return { title: client.name, section: 'clients', client, values: clientFormValues(client) };
  }

  private async deletePage(id: string): Promise<ConsolePage> {
    const client = await this.clients.get(id);
    return { title: `Delete ${client.name}`, section: 'clients', client };
  }

  private secretPage(title: string, client: ClientWithSecret) {
    return { view: 'client-secret', page: { title, section: 'clients' as const, client } };
  }
}
