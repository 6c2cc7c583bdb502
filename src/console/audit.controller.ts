import { Controller, Get, Query, Req, Res, UseGuards } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AUDIT_EVENT_TYPES } from '../audit/audit-event-types';
import { AuditService } from '../audit/audit.service';
import { ListAuditEventsQuery } from '../audit/dto/list-audit-events.query';
import { invalidRequestPipe } from '../common/http/strict-validation.pipe';
import { ConsoleAdminGuard } from './console-admin.guard';
import { ConsolePages, filled, validated } from './console-pages';
import { paging } from './paging';

const FILTERS = ['type', 'client_id', 'user_id', 'since', 'until'] as const;

/** A time from the form's date-time fields, which have no zone: read as UTC, as the page says. */
function utc(value: string | undefined): string | undefined {
  if (value && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return `${value}:00Z`;
  if (value && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(value)) return `${value}Z`;
  return value;
}

/** The audit trail, newest first: filtered by event type, client, user and time, a page at a time. */
@Controller('console/audit')
@UseGuards(ConsoleAdminGuard)
export class ConsoleAuditController {
  constructor(
    private readonly audit: AuditService,
    private readonly pages: ConsolePages,
  ) {}

  @Get()
  @RouteConfig({ page: true })
  list(@Query() query: Record<string, unknown>, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const filters = filled(query, FILTERS);
    const page = {
      title: 'Audit log',
      section: 'audit' as const,
      filters,
      types: AUDIT_EVENT_TYPES.map((type) => ({ type, selected: type === filters.type })),
    };
    return this.pages.submit(request, reply, {
      view: 'audit',
      page: async () => page,
      act: async () => {
        const input = { ...filters, since: utc(filters.since), until: utc(filters.until) };
        const valid = await validated(invalidRequestPipe, ListAuditEventsQuery, {
          ...input,
          ...filled(query, ['offset']),
        });
        const { items, total } = await this.audit.list(valid);
        const events = items.map((event) => ({ ...event, detail: JSON.stringify(event.detail) }));
        const pager = paging('/console/audit', filters, { limit: valid.limit, offset: valid.offset, total });
        return { view: 'audit', page: { ...page, events, pager } };
      },
    });
  }
}
