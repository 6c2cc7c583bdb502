import { Controller, Get, Header, Query, UseGuards, UsePipes } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import { BearerTokenGuard } from '../access-tokens/bearer-token.guard';
import { RequireScope } from '../access-tokens/require-scope.decorator';
import { AuditEventView } from '../audit/audit-event.view';
import { AuditService } from '../audit/audit.service';
import { ListAuditEventsQuery } from '../audit/dto/list-audit-events.query';
import { PageOf } from '../common/http/page';
import { invalidRequestPipe } from '../common/http/strict-validation.pipe';
import { AdminApi, ApiRefused } from './openapi/admin-api-responses';

/**
 * Reading the audit trail: a bearer token of this provider with the `admin` scope, as for
 * the clients API. It tells who signs in from where, so no cache keeps it.
 */
@Controller('admin/audit-events')
@UseGuards(BearerTokenGuard)
@RequireScope('admin')
@AdminApi('audit events')
@UsePipes(invalidRequestPipe)
export class AuditEventsController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ type: PageOf(AuditEventView), description: 'Newest first.' })
  @ApiRefused()
  list(@Query() query: ListAuditEventsQuery) {
    return this.audit.list(query);
  }
}
