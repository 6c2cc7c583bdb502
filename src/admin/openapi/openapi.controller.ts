import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { ApiOkResponse, OpenAPIObject } from '@nestjs/swagger';
import { BearerTokenGuard } from '../../access-tokens/bearer-token.guard';
import { RequireScope } from '../../access-tokens/require-scope.decorator';
import { AdminApiDocument } from './admin-api-document';
import { AdminApi } from './admin-api-responses';

/** The admin API's OpenAPI 3.1 document, for administrators only, as the API it describes. */
@Controller('admin')
@UseGuards(BearerTokenGuard)
@RequireScope('admin')
@AdminApi('openapi')
export class OpenApiController {
  constructor(private readonly document: AdminApiDocument) {}

  @Get('openapi.json')
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ description: 'This document (OpenAPI 3.1).', schema: { type: 'object' } })
  get(): OpenAPIObject {
    return this.document.get();
  }
}
