import '@fastify/view';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ProviderEnvironment } from '../../config/environment';
import { allowedMethods } from '../http/allowed-methods';
import { databaseUnavailableReason } from '../http/database-unavailable';
import { loginPage, LoginRequiredError } from '../http/login-required.error';
import { authorizationResponseUrl } from './authorization-response';
import { OAuthErrorBody } from './oauth-error-body';
import { MethodNotAllowedError, OAuthError, TemporarilyUnavailableError, TooManyRequestsError } from './oauth.error';
import { RedirectableAuthorizationError } from './redirectable-authorization.error';

interface Described {
  status: number;
  error: string;
  description: string;
  challenge?: string;
}

const CODE_BY_STATUS: Record<number, string> = {
  403: 'access_denied',
  404: 'not_found',
  503: 'temporarily_unavailable',
};

/**
 * The one place where errors become answers: RFC 6749 §5.2 JSON for the
 * APIs, a readable page for the pages a person sees (routes marked
 * `page: true`), a redirect back to the client for authorization errors
 * that may be redirected. A database that cannot be reached is 503
 * temporarily_unavailable. Anything unexpected is logged and answered as a
 * bare server_error, never with its message or stack.
 */
@Catch()
export class OAuthExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('OAuthExceptionFilter');
  private readonly issuer: string;

  constructor(config: ConfigService<ProviderEnvironment, true>) {
    this.issuer = config.get('ISSUER', { infer: true });
  }

  catch(exception: unknown, host: ArgumentsHost) {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    reply.header('Cache-Control', 'no-store');
    // Each line logged about this request carries its id, as its request line does.
    const about = (msg: string | undefined) => ({ reqId: request.id, msg });
    const unavailable = databaseUnavailableReason(exception);
    if (unavailable) {
      this.logger.warn(about(`database unavailable: ${unavailable}`));
      exception = new TemporarilyUnavailableError(
        'The service is temporarily unavailable. Try again in a moment.',
        unavailable,
      );
      // Sessions live in that database too: saving this one with the error answer would fail
      // again, and each failure would answer anew. {} is @fastify/session's own "no session".
      request.session = {} as FastifyRequest['session'];
    }
    // A path that exists, asked with a method it does not take: 405, not 404 (RFC 9110 §15.5.6).
    const allowed = request.is404 ? allowedMethods(request) : [];
    if (allowed.length > 0) exception = new MethodNotAllowedError(request.method, allowed);
    if (exception instanceof TooManyRequestsError || exception instanceof TemporarilyUnavailableError) {
      reply.header('Retry-After', String(exception.retryAfter));
    }

    if (exception instanceof RedirectableAuthorizationError) {
      const { oauthError, redirectUri, state } = exception;
      const url = authorizationResponseUrl(redirectUri, {
        error: oauthError.error,
        error_description: oauthError.description,
        state,
        iss: this.issuer,
      });
      return reply.redirect(url, 303);
    }
    if (exception instanceof LoginRequiredError && request.method === 'GET') {
      return reply.redirect(loginPage(exception.returnTo ?? request.url), 303);
    }

    const described = this.describe(exception, about);
    if ((request.routeOptions?.config as { page?: boolean } | undefined)?.page) {
      return reply.status(described.status).view('error', {
        title: 'Something went wrong',
        status: described.status,
        description: described.description,
      });
    }
    if (described.challenge) reply.header('WWW-Authenticate', described.challenge);
    if (exception instanceof MethodNotAllowedError) reply.header('Allow', exception.allow.join(', '));
    const body: OAuthErrorBody = { error: described.error, error_description: described.description };
    return reply.status(described.status).send(body);
  }

  private describe(exception: unknown, about: (msg: string | undefined) => object): Described {
    if (exception instanceof OAuthError) {
      if (exception.detail) this.logger.debug(about(`${exception.error}: ${exception.detail}`));
      const { status, error, description, challenge } = exception;
      return { status, error, description, challenge };
    }
    if (exception instanceof LoginRequiredError) {
      return {
        status: 401,
        error: 'login_required',
        description: 'Your session has ended. Go back to the application and sign in again.',
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const error = CODE_BY_STATUS[status] ?? (status < 500 ? 'invalid_request' : 'server_error');
      return {
        status,
        error,
        description: status < 500 ? exception.message : 'The service is not available right now.',
      };
    }
    this.logger.error(about(exception instanceof Error ? exception.stack : String(exception)));
    return { status: 500, error: 'server_error', description: 'An unexpected error occurred.' };
  }
}
