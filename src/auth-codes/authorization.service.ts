import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApisService } from '../apis/apis.service';
import { AuditService } from '../audit/audit.service';
import { loginPage, LoginRequiredError } from '../common/http/login-required.error';
import { SessionUser } from '../auth/session.types';
import { clientDisplayName, clientIdUrlHost } from '../clients/metadata-documents/client-id-url';
import {
  AccessDeniedError,
  ConsentRequiredOAuthError,
  InvalidRequestError,
  InvalidScopeError,
  LoginRequiredOAuthError,
  OAuthError,
} from '../common/oauth/oauth.error';
import { ProviderEnvironment } from '../config/environment';
import { entitledScope } from '../users/entitled-scope';
import { UsersService } from '../users/users.service';
import { AuthCodesService } from './auth-codes.service';
import { AuthorizationRequest, authorizationRequestParams } from './authorization-request';
import { AuthorizationRequestValidator } from './authorization-request.validator';
import { authorizationResponseUrl } from '../common/oauth/authorization-response';
import { ConsentsService } from './consents.service';
import { RedirectableAuthorizationError } from '../common/oauth/redirectable-authorization.error';

export interface ConsentPage {
  title: string;
  clientName: string;
  /**
   * The host of the client's metadata document URL, for a client known only by one: the name is the
   * document's own word, the host is what vouches for it ("claude.ai", not "claude-ai.example").
   */
  clientHost?: string;
  /** Who is signed in: the account's name, or its username. */
  signedInAs: string;
  scopes: { name: string; description: string }[];
  params: { name: string; value: string }[];
}

/** An authorization request with a user who may answer it: what the session check lets through. */
export interface SignedInAuthorization {
  /** Its scope is what this user may grant (entitledScope). */
  request: AuthorizationRequest;
  user: SessionUser;
  /** How the consent page names the account. */
  signedInAs: string;
}

/** The consent form's third answer: "Not you?", to sign out and sign in with another account. */
export const SWITCH_ACCOUNT = 'switch_account';

export type AuthorizationOutcome = { redirect: string } | { consentPage: ConsentPage };

/**
 * The authorization endpoint's conversation with the user (RFC 6749 §4.1.1,
 * OpenID Connect Core §3.1.2): login when needed, consent when not already
 * given, then a code sent back to the client.
 */
@Injectable()
export class AuthorizationService {
  private readonly issuer: string;

  constructor(
    config: ConfigService<ProviderEnvironment, true>,
    private readonly validator: AuthorizationRequestValidator,
    private readonly codes: AuthCodesService,
    private readonly consents: ConsentsService,
    private readonly users: UsersService,
    private readonly audit: AuditService,
    private readonly apis: ApisService,
  ) {
    this.issuer = config.get('ISSUER', { infer: true });
  }

  /**
   * The one session check, for the request (GET) and for the consent form (POST): the request
   * validated, then a user signed in recently enough for it (OpenID Connect Core §3.1.2.1
   * `prompt=login`, `max_age`; without one, the login page and back, or `login_required` for
   * `prompt=none`) whose account may still authorize clients. The scope becomes what this user may
   * grant (entitledScope), so that the consent page, the consent remembered and the code all carry
   * the same scope; a request for nothing else is refused with `invalid_scope`.
   */
  async signedIn(params: Record<string, unknown>, user: SessionUser | undefined): Promise<SignedInAuthorization> {
    const request = await this.validator.validate(params);
    const fail = (error: OAuthError) => new RedirectableAuthorizationError(error, request.redirectUri, request.state);

    if (!user || this.loginDemanded(request, user)) {
      if (request.prompt.has('none')) throw fail(new LoginRequiredOAuthError('the user is not signed in'));
      throw new LoginRequiredError(authorizeAgain(request));
    }
    // §4.1.2.1: the redirect URI is valid, so the client hears of a refusal (a disabled account).
    const account = await this.users.findActive(user.id);
    if (!account) throw fail(new AccessDeniedError('this account cannot authorize clients', 'user gone or disabled'));
    const scope = entitledScope(account, request.scope);
    if (scope.length === 0) throw fail(new InvalidScopeError('scope asks only for what this user cannot grant'));
    return { request: { ...request, scope }, user, signedInAs: account.name || account.username };
  }

  /** The request once signed in: a code at once when consent is remembered, else the consent page. */
  async authorize({ request, user, signedInAs }: SignedInAuthorization, ip: string): Promise<AuthorizationOutcome> {
    const fail = (error: OAuthError) => new RedirectableAuthorizationError(error, request.redirectUri, request.state);
    if (!(await this.consentRemembered(request, user))) {
      if (request.prompt.has('none')) throw fail(new ConsentRequiredOAuthError('the user has not allowed this client'));
      return { consentPage: await this.consentPage(request, signedInAs) };
    }
    return { redirect: await this.codeResponse(request, user, ip) };
  }

  /** The user's answer on the consent page: a code on Allow, access_denied on Deny. */
  async decide({ request, user }: SignedInAuthorization, decision: unknown, ip: string): Promise<string> {
    const fail = (error: OAuthError) => new RedirectableAuthorizationError(error, request.redirectUri, request.state);
    const audit = {
      actor: `user:${user.id}`,
      userId: user.id,
      clientId: request.client.clientId,
      ip,
      detail: { scope: request.scope.join(' ') },
    };
    if (decision === 'deny') {
      await this.audit.record({ type: 'consent.refused', ...audit });
      throw fail(new AccessDeniedError('the user denied the request'));
    }
    if (decision !== 'allow') throw fail(new InvalidRequestError('decision must be allow or deny'));
    if (!request.client.isPublic) await this.consents.remember(user.id, request.client.clientId, request.scope);
    await this.audit.record({ type: 'consent.given', ...audit });
    return this.codeResponse(request, user, ip);
  }

  /**
   * "Not you?" on the consent page: once the session has ended, the login page, and after it the
   * same authorization request, for whoever signs in.
   */
  signInAgain({ request }: SignedInAuthorization): string {
    return loginPage(authorizeAgain(request));
  }

  /** `prompt=login`, or a `max_age` older than the last login. */
  private loginDemanded(request: AuthorizationRequest, user: SessionUser): boolean {
    const age = Math.floor(Date.now() / 1000) - user.authTime;
    return request.prompt.has('login') || (request.maxAge !== undefined && age > request.maxAge);
  }

  /**
   * Earlier consent covering every scope asked for, unless `prompt=consent`.
   * A public client's consent is never reused: anyone can claim its identity (RFC 8252 §8.6).
   */
  private async consentRemembered(request: AuthorizationRequest, user: SessionUser): Promise<boolean> {
    if (request.prompt.has('consent') || request.client.isPublic) return false;
    return this.consents.covers(user.id, request.client.clientId, request.scope);
  }

  /** Each scope in the words of the API that defines it, or the provider's own. */
  private async consentPage(request: AuthorizationRequest, signedInAs: string): Promise<ConsentPage> {
    const clientHost = clientIdUrlHost(request.client.clientId);
    return {
      title: `Allow ${clientDisplayName(request.client)}?`,
      clientName: request.client.name,
      clientHost,
      signedInAs,
      scopes: await this.apis.describe(request.scope),
      params: Object.entries(authorizationRequestParams(request)).map(([name, value]) => ({ name, value })),
    };
  }

  private async codeResponse(request: AuthorizationRequest, user: SessionUser, ip: string): Promise<string> {
    const code = await this.codes.issue(request, user, ip);
    return authorizationResponseUrl(request.redirectUri, { code, state: request.state, iss: this.issuer });
  }
}

/** The authorization endpoint's URL for this request again, as validated. */
function authorizeAgain(request: AuthorizationRequest): string {
  return `/oauth/authorize?${new URLSearchParams(authorizationRequestParams(request))}`;
}
