import { Body, Controller, Delete, Get, Header, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { BearerTokenGuard } from '../access-tokens/bearer-token.guard';
import { RequireScope } from '../access-tokens/require-scope.decorator';
import { AuditOrigin } from '../audit/audit-event-types';
import { ClientsService } from '../clients/clients.service';
import { ClientMetadataDto } from '../clients/dto/client-metadata.dto';
import { clientMetadataPipe } from '../clients/dto/client-metadata.pipe';
import { ListClientsQuery } from '../clients/dto/list-clients.query';
import { invalidRequestPipe } from '../common/http/strict-validation.pipe';
import { ActingAdmin } from './acting-admin.decorator';

/**
 * The clients administration API: a bearer token of this provider with the `admin` scope.
 * Answers carry secrets or what an attacker would want to know, so no cache keeps them
 * (RFC 7591 §3.2.1, RFC 6749 §5.1).
 */
@Controller('admin/clients')
@UseGuards(BearerTokenGuard)
@RequireScope('admin')
export class ClientsController {
  constructor(private readonly clients: ClientsService) {}

  @Post()
  @Header('Cache-Control', 'no-store')
  create(@Body(clientMetadataPipe) body: ClientMetadataDto, @ActingAdmin() admin: AuditOrigin) {
    return this.clients.create(body, admin);
  }

  @Get()
  @Header('Cache-Control', 'no-store')
  list(@Query(invalidRequestPipe) query: ListClientsQuery) {
    return this.clients.list(query.limit, query.offset, query.q);
  }

  @Get(':id')
  @Header('Cache-Control', 'no-store')
  get(@Param('id') id: string) {
    return this.clients.get(id);
  }

  @Patch(':id')
  @Header('Cache-Control', 'no-store')
  update(
    @Param('id') id: string,
    @Body(clientMetadataPipe) body: ClientMetadataDto,
    @ActingAdmin() admin: AuditOrigin,
  ) {
    return this.clients.update(id, body, admin);
  }

  @Delete(':id')
  @HttpCode(204)
  delete(@Param('id') id: string, @ActingAdmin() admin: AuditOrigin) {
    return this.clients.delete(id, admin);
  }

  @Post(':id/secret')
  @Header('Cache-Control', 'no-store')
  rotateSecret(@Param('id') id: string, @ActingAdmin() admin: AuditOrigin) {
    return this.clients.rotateSecret(id, admin);
  }
}
