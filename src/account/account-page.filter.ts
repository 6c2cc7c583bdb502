import '@fastify/view';
import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BrowserSession } from '../auth/browser-session';
import { InvalidRequestError } from '../common/oauth/oauth.error';
import { accountHolder } from './account-holder.decorator';
import { AccountService } from './account.service';

/** A refused password change shows the account page again, 400, with why beside the form. */
@Catch(InvalidRequestError)
export class AccountPageFilter implements ExceptionFilter {
  constructor(
    private readonly account: AccountService,
    private readonly session: BrowserSession,
  ) {}

  async catch(error: InvalidRequestError, host: ArgumentsHost) {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const page = await this.account.page(accountHolder(request), undefined, error.description);
    return reply.status(400).view('account', this.session.withCsrfToken(request, page));
  }
}
