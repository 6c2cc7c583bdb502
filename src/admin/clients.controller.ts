import { Body, Controller, Delete, Get, Header, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse } from '@nestjs/swagger';
import { BearerTokenGuard } from '../access-tokens/bearer-token.guard';
import { RequireScope } from '../access-tokens/require-scope.decorator';
import { AuditOrigin } from '../audit/audit-event-types';
import { ClientView, ClientWithSecret } from '../clients/client.view';
import { ClientsService } from '../clients/clients.service';
import { ClientMetadataDto } from '../clients/dto/client-metadata.dto';
import { clientMetadataPipe } from '../clients/dto/client-metadata.pipe';
import { ListClientsQuery } from '../clients/dto/list-clients.query';
import { PageOf } from '../common/http/page';
import { invalidRequestPipe } from '../common/http/strict-validation.pipe';
import { ActingAdmin } from './acting-admin.decorator';
import { AdminApi, ApiRefused, ApiUnknown } from './openapi/admin-api-responses';

/**
 * The clients administration API: a bearer token of this provider with the `admin` scope.
 * Answers carry secrets or what an attacker would want to know, so no cache keeps them
 * (RFC 7591 §3.2.1, RFC 6749 §5.1).
 */
@Controller('admin/clients')
@UseGuards(BearerTokenGuard)
@RequireScope('admin')
@AdminApi('clients')
export class ClientsController {
  constructor(private readonly clients: ClientsService) {}

  @Post()
  @Header('Cache-Control', 'no-store')
  @ApiCreatedResponse({ type: ClientWithSecret, description: 'The client, with its secret this once.' })
  @ApiRefused()
  create(@Body(clientMetadataPipe) body: ClientMetadataDto, @ActingAdmin() admin: AuditOrigin) {
    return this.clients.create(body, admin);
  }

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ type: PageOf(ClientView) })
  @ApiRefused()
  list(@Query(invalidRequestPipe) query: ListClientsQuery) {
    return this.clients.list(query.limit, query.offset, query.q);
  }

  @Get(':id')
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ type: ClientView })
  @ApiUnknown('client')
  get(@Param('id') id: string) {
    return this.clients.get(id);
  }

  @Patch(':id')
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({
    type: ClientWithSecret,
    description: 'The client; with a new secret, this once, when it became confidential.',
  })
  @ApiRefused()
  @ApiUnknown('client')
  update(
    @Param('id') id: string,
    @Body(clientMetadataPipe) body: ClientMetadataDto,
    @ActingAdmin() admin: AuditOrigin,
  ) {
    return this.clients.update(id, body, admin);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted, with its codes and grants; its access tokens stop verifying.' })
  @ApiUnknown('client')
  delete(@Param('id') id: string, @ActingAdmin() admin: AuditOrigin) {
    return this.clients.delete(id, admin);
  }

  @Post(':id/secret')
  @Header('Cache-Control', 'no-store')
  @ApiCreatedResponse({
    type: ClientWithSecret,
    description: 'The client with its new secret; the old one stops working.',
  })
  @ApiRefused()
  @ApiUnknown('client')
  rotateSecret(@Param('id') id: string, @ActingAdmin() admin: AuditOrigin) {
    return this.clients.rotateSecret(id, admin);
  }
}
