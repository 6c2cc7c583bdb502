import { Body, Controller, Delete, Get, Header, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse } from '@nestjs/swagger';
import { BearerTokenGuard } from '../access-tokens/bearer-token.guard';
import { RequireScope } from '../access-tokens/require-scope.decorator';
import { ApiView } from '../apis/api.view';
import { ApisService } from '../apis/apis.service';
import { ApiChangesDto, ApiMetadataDto } from '../apis/dto/api-metadata.dto';
import { AuditOrigin } from '../audit/audit-event-types';
import { PageOf } from '../common/http/page';
import { PageQuery } from '../common/http/page.query';
import { invalidRequestPipe } from '../common/http/strict-validation.pipe';
import { ActingAdmin } from './acting-admin.decorator';
import { AdminApi, ApiRefused, ApiUnknown } from './openapi/admin-api-responses';

/** The APIs (resource servers) administration API: a bearer token of this provider with the `admin` scope. */
@Controller('admin/apis')
@UseGuards(BearerTokenGuard)
@RequireScope('admin')
@AdminApi('apis')
export class ApisController {
  constructor(private readonly apis: ApisService) {}

  @Post()
  @Header('Cache-Control', 'no-store')
  @ApiCreatedResponse({ type: ApiView })
  @ApiRefused()
  create(@Body(invalidRequestPipe) body: ApiMetadataDto, @ActingAdmin() admin: AuditOrigin) {
    return this.apis.create(body, admin);
  }

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ type: PageOf(ApiView) })
  @ApiRefused()
  list(@Query(invalidRequestPipe) query: PageQuery) {
    return this.apis.list(query.limit, query.offset);
  }

  @Get(':id')
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ type: ApiView })
  @ApiUnknown('API')
  get(@Param('id') id: string) {
    return this.apis.get(id);
  }

  @Patch(':id')
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ type: ApiView })
  @ApiRefused()
  @ApiUnknown('API')
  update(@Param('id') id: string, @Body(invalidRequestPipe) body: ApiChangesDto, @ActingAdmin() admin: AuditOrigin) {
    return this.apis.update(id, body, admin);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiRefused()
  @ApiUnknown('API')
  delete(@Param('id') id: string, @ActingAdmin() admin: AuditOrigin) {
    return this.apis.delete(id, admin);
  }
}
