import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards, UsePipes } from '@nestjs/common';
import { BearerTokenGuard } from '../access-tokens/bearer-token.guard';
import { RequireScope } from '../access-tokens/require-scope.decorator';
import { InvalidClientMetadataError } from '../common/oauth/oauth.error';
import { strictValidationPipe } from '../common/http/strict-validation.pipe';
import { ClientsService } from './clients.service';
import { ClientMetadataDto } from './dto/client-metadata.dto';
import { ListClientsQuery } from './dto/list-clients.query';

/** The clients administration API: a bearer token of this provider with the `admin` scope. */
@Controller('admin/clients')
@UseGuards(BearerTokenGuard)
@RequireScope('admin')
@UsePipes(strictValidationPipe((description) => new InvalidClientMetadataError(description)))
export class ClientsController {
  constructor(private readonly clients: ClientsService) {}

  @Post()
  create(@Body() body: ClientMetadataDto) {
    return this.clients.create(body);
  }

  @Get()
  list(@Query() query: ListClientsQuery) {
    return this.clients.list(query.limit, query.offset);
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return this.clients.get(id);
  }

  @Patch(':id')
  update(@Param('id') id: string, @Body() body: ClientMetadataDto) {
    return this.clients.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  delete(@Param('id') id: string) {
    return this.clients.delete(id);
  }

  @Post(':id/secret')
  rotateSecret(@Param('id') id: string) {
    return this.clients.rotateSecret(id);
  }
}
