import { Injectable } from '@nestjs/common';
import { ApisService } from '../apis/apis.service';
import { resourceParameter } from '../apis/resource-parameter';
import { scopeElsewhere, scopeForTarget, Target } from '../apis/resource-target';
import { ClientResolver } from '../clients/client-resolver';
import { ClientEntity } from '../clients/entities/client.entity';
import { isClientIdUrl } from '../clients/metadata-documents/client-id-url';
import { MetadataDocumentError } from '../clients/metadata-documents/metadata-document.error';
import { redirectUriMatches } from '../clients/redirect-uri';
import {
  InvalidRequestError,
  InvalidScopeError,
  InvalidTargetError,
  OAuthError,
  RequestNotSupportedError,
  RequestUriNotSupportedError,
  UnauthorizedClientError,
  UnsupportedResponseTypeError,
} from '../common/oauth/oauth.error';
import { isSubset, parseScope } from '../common/oauth/scope';
import { AuthorizationRequest } from './authorization-request';
import { RedirectableAuthorizationError } from '../common/oauth/redirectable-authorization.error';

const PROMPT_VALUES = new Set(['none', 'login', 'consent', 'select_account']);

/** RFC 7636 §4.2: 43 to 128 unreserved characters. */
const PKCE_VALUE = /^[A-Za-z0-9\-._~]{43,128}$/;

/** C0 controls and DEL: never in a state (RFC 6749 Appendix A.5: VSCHARs) or a nonce a client made. */
const CONTROL_CHARACTER = /[\x00-\x1f\x7f]/;

/**
 * Checks an authorization request in the order RFC 6749 §4.1.2.1 demands:
 * first the client and redirect URI, whose errors are shown to the user and
 * never redirected; then everything else, whose errors go back to the client.
 */
@Injectable()
export class AuthorizationRequestValidator {
  constructor(
    private readonly clients: ClientResolver,
    private readonly apis: ApisService,
  ) {}

  async validate(params: Record<string, unknown>): Promise<AuthorizationRequest> {
    const { client, redirectUri, redirectUriSent } = await this.clientAndRedirectUri(params);

    const stateValue = params.state;
    // A malformed state is refused below, and not echoed back.
    const state = typeof stateValue === 'string' && !CONTROL_CHARACTER.test(stateValue) ? stateValue : undefined;
    const fail = (error: OAuthError) => new RedirectableAuthorizationError(error, redirectUri, state);

    // RFC 8707 §2 lets `resource` be repeated; every other parameter is given once (RFC 6749 §3.1).
    const { resource: resourceValue, ...others } = params;
    for (const [name, value] of Object.entries(others)) {
      if (typeof value !== 'string') throw fail(new InvalidRequestError(`${name} must be given once`));
    }
    const p = others as Record<string, string | undefined>;

    if (!p.response_type) throw fail(new InvalidRequestError('response_type is required'));
    // RFC 9700 §2.1.2: only the code flow; implicit and hybrid responses are refused.
    if (p.response_type !== 'code')
      throw fail(new UnsupportedResponseTypeError('only response_type=code is supported'));
    if (!client.grantTypes.includes('authorization_code')) {
      throw fail(new UnauthorizedClientError('this client may not use the authorization code grant'));
    }

    // Parameters inside a request object would override the ones checked here: refuse rather than ignore it.
    if (p.request !== undefined) throw fail(new RequestNotSupportedError('request objects are not supported'));
    if (p.request_uri !== undefined) throw fail(new RequestUriNotSupportedError('request_uri is not supported'));

    // RFC 8707 §2: the API the request is for, and only scopes that go with it.
    const target = await this.target(client, resourceValue).catch((error: unknown) => {
      throw error instanceof OAuthError ? fail(error) : error;
    });
    const scope = this.scope(client, p.scope, target);
    if (typeof scope === 'string') throw fail(new InvalidScopeError(scope));
    const elsewhere = scopeElsewhere(target, scope);
    if (elsewhere) throw fail(new InvalidTargetError(elsewhere));

    if (p.code_challenge === undefined) {
      if (p.code_challenge_method !== undefined) throw fail(new InvalidRequestError('code_challenge is missing'));
      // RFC 9700 §2.1.1 and OAuth 2.1 §4.1.1: PKCE for every client, so that a stolen or injected
      // code is worth nothing without the verifier. A confidential legacy client may be registered
      // without it (require_pkce: false); a public client never is.
      if (client.requirePkce || client.isPublic) throw fail(new InvalidRequestError('code_challenge is required'));
    } else {
      if (p.code_challenge_method !== 'S256') throw fail(new InvalidRequestError('code_challenge_method must be S256'));
      if (!PKCE_VALUE.test(p.code_challenge)) throw fail(new InvalidRequestError('code_challenge is malformed'));
    }
    if (p.state !== undefined && p.state.length > 2048) throw fail(new InvalidRequestError('state is too long'));
    if (p.nonce !== undefined && p.nonce.length > 512) throw fail(new InvalidRequestError('nonce is too long'));
    for (const name of ['state', 'nonce'] as const) {
      if (p[name] !== undefined && CONTROL_CHARACTER.test(p[name])) {
        throw fail(new InvalidRequestError(`${name} must not contain control characters`));
      }
    }

    // OpenID Connect Core §3.1.2.1: `none` stands alone.
    const prompt = new Set(p.prompt ? p.prompt.split(' ') : []);
    if ([...prompt].some((v) => !PROMPT_VALUES.has(v)) || (prompt.has('none') && prompt.size > 1)) {
      throw fail(new InvalidRequestError('prompt is not valid'));
    }
    if (p.max_age !== undefined && !/^\d{1,9}$/.test(p.max_age)) {
      throw fail(new InvalidRequestError('max_age must be a whole number of seconds'));
    }

    return {
      client,
      redirectUri,
      redirectUriSent,
      scope,
      resource: target?.identifier,
      state: p.state,
      codeChallenge: p.code_challenge,
      nonce: p.nonce,
      prompt,
      maxAge: p.max_age === undefined ? undefined : Number(p.max_age),
    };
  }

  /** RFC 6749 §3.1.2.3 and §4.1.2.1: exact match of a registered URI; failures are not redirected. */
  private async clientAndRedirectUri(params: Record<string, unknown>) {
    const { client_id: clientId, redirect_uri: given } = params;
    if (typeof clientId !== 'string' || clientId === '') {
      throw new InvalidRequestError('The request names no client, or names one more than once.');
    }
    const client = await this.client(clientId);
    if (!client) throw new InvalidRequestError('The application that sent you here is not registered.');

    if (given === undefined) {
      if (client.redirectUris.length !== 1) {
        throw new InvalidRequestError('The request does not say where to send you back (redirect_uri).');
      }
      return { client, redirectUri: client.redirectUris[0], redirectUriSent: false };
    }
    if (typeof given !== 'string' || !client.redirectUris.some((uri) => redirectUriMatches(uri, given))) {
      throw new InvalidRequestError('The address the application asked to send you back to is not registered for it.');
    }
    return { client, redirectUri: given, redirectUriSent: true };
  }

  /** The client named, or null; a refused metadata document is shown to the user with its reason. */
  private async client(clientId: string): Promise<ClientEntity | null> {
    if (clientId.length > 64 && !isClientIdUrl(clientId)) return null;
    try {
      return await this.clients.findForRequest(clientId);
    } catch (error) {
      if (!(error instanceof MetadataDocumentError)) throw error;
      throw new InvalidRequestError(`The application that sent you here cannot be used: ${error.reason}.`);
    }
  }

  /** The API the request names as its resource, else the client's default resource, else none. */
  private async target(client: ClientEntity, resource: unknown): Promise<Target> {
    return this.apis.target(resourceParameter(resource) ?? client.defaultResource ?? undefined);
  }

  /**
   * The requested scope, or why it is refused; when none is asked for, the client's registered
   * scope, of it only what goes with the target when there is one (resource-target.ts).
   */
  private scope(client: ClientEntity, requested: string | undefined, target: Target): string[] | string {
    const allowed = parseScope(client.scope) ?? [];
    if (requested === undefined || requested === '') {
      const fallback = scopeForTarget(target, allowed);
      return fallback.length > 0 ? fallback : 'scope is required';
    }
    const tokens = parseScope(requested);
    if (!tokens) return 'scope is malformed';
    if (!isSubset(tokens, allowed)) return 'scope asks for more than this client may have';
    return tokens;
  }
}
