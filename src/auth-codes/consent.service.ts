import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Session } from 'fastify';
import { CsrfService } from '../auth/csrf.service';
import { LoginRequiredError } from '../auth/login-required.error';
import { SessionUser } from '../auth/session.types';
import { AccessDeniedError, InvalidRequestError } from '../common/oauth/oauth.error';
import { describeScope } from '../common/oauth/scope-descriptions';
import { ProviderEnvironment } from '../config/environment';
import { AuthCodesService } from './auth-codes.service';
import { authorizationRequestParams } from './authorization-request';
import { AuthorizationRequestValidator } from './authorization-request.validator';
import { authorizationResponseUrl } from './authorization-response';
import { RedirectableAuthorizationError } from './redirectable-authorization.error';

/** The authorization endpoint's conversation with the user: the consent page and its answer. */
@Injectable()
export class ConsentService {
  private readonly issuer: string;

  constructor(
    config: ConfigService<ProviderEnvironment, true>,
    private readonly validator: AuthorizationRequestValidator,
    private readonly codes: AuthCodesService,
    private readonly csrf: CsrfService,
  ) {
    this.issuer = config.get('ISSUER', { infer: true });
  }

  /** What the consent page shows for a valid request from a signed-in user. */
  async consentPage(query: Record<string, unknown>, user: SessionUser | undefined, session: Session) {
    const request = await this.validator.validate(query);
    if (!user) throw new LoginRequiredError();
    return {
      title: `Allow ${request.client.name}?`,
      clientName: request.client.name,
      scopes: request.scope.map((name) => ({ name, description: describeScope(name) })),
      params: Object.entries(authorizationRequestParams(request)).map(([name, value]) => ({ name, value })),
      csrfToken: this.csrf.tokenFor(session),
    };
  }

  /** The user's answer: a code on Allow, access_denied on Deny; either way the URL to send the browser to. */
  async decide(body: Record<string, unknown>, user: SessionUser): Promise<string> {
    const request = await this.validator.validate(body);
    const fail = (error: AccessDeniedError | InvalidRequestError) =>
      new RedirectableAuthorizationError(error, request.redirectUri, request.state);
    if (body.decision === 'deny') throw fail(new AccessDeniedError('the user denied the request'));
    if (body.decision !== 'allow') throw fail(new InvalidRequestError('decision must be allow or deny'));
    const code = await this.codes.issue(request, user);
    return authorizationResponseUrl(request.redirectUri, { code, state: request.state, iss: this.issuer });
  }
}
