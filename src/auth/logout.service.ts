import { Injectable } from '@nestjs/common';
import { ClientsService } from '../clients/clients.service';
import { InvalidRequestError } from '../common/oauth/oauth.error';
import { IdTokensService } from '../id-tokens/id-tokens.service';

/** A validated RP-Initiated Logout request (OpenID Connect RP-Initiated Logout 1.0 §2). */
interface LogoutRequest {
  /** Where to send the browser afterwards: a URI registered for the client, with `state`. */
  redirectUri?: string;
  params: Record<string, string>;
}

export interface LogoutPage {
  title: string;
  params: { name: string; value: string }[];
}

/**
 * Signing out, from the provider's own pages or at a relying party's request.
 * The confirmation page is a form: a GET alone never ends a session.
 */
@Injectable()
export class LogoutService {
  constructor(
    private readonly clients: ClientsService,
    private readonly idTokens: IdTokensService,
  ) {}

  async confirmationPage(query: Record<string, unknown>): Promise<LogoutPage> {
    const request = await this.validate(query);
    return {
      title: 'Sign out',
      params: Object.entries(request.params).map(([name, value]) => ({ name, value })),
    };
  }

  /** Where the browser goes once signed out; a request it cannot honour is refused before the session ends. */
  async destination(body: Record<string, unknown>): Promise<string> {
    const request = await this.validate(body);
    return request.redirectUri ?? '/login';
  }

  /**
   * §2: `post_logout_redirect_uri` is honoured only when it exactly matches
   * one registered for the client that `id_token_hint` (or `client_id`) names.
   */
  private async validate(params: Record<string, unknown>): Promise<LogoutRequest> {
    const value = (name: string) => {
      const v = params[name];
      if (v === undefined || v === '') return undefined;
      if (typeof v !== 'string' || v.length > 8192) throw new InvalidRequestError(`${name} is not valid`);
      return v;
    };
    const hintToken = value('id_token_hint');
    const postLogoutRedirectUri = value('post_logout_redirect_uri');
    const state = value('state');
    let clientId = value('client_id');

    if (hintToken) {
      const hint = await this.idTokens.verifyHint(hintToken);
      if (!hint) throw new InvalidRequestError('The sign-out request carries an ID token this provider did not issue.');
      if (clientId && clientId !== hint.aud) throw new InvalidRequestError('client_id does not match the ID token.');
      clientId = hint.aud;
    }
    const kept = Object.fromEntries(
      Object.entries({
        id_token_hint: hintToken,
        client_id: clientId,
        post_logout_redirect_uri: postLogoutRedirectUri,
        state,
      }).filter((e): e is [string, string] => e[1] !== undefined),
    );
    if (!postLogoutRedirectUri) return { params: kept };

    const client = clientId ? await this.clients.findById(clientId) : null;
    if (!client?.postLogoutRedirectUris?.includes(postLogoutRedirectUri)) {
      throw new InvalidRequestError(
        'The address to return to after signing out is not registered for this application.',
      );
    }
    const query =
      state === undefined ? '' : `${postLogoutRedirectUri.includes('?') ? '&' : '?'}${new URLSearchParams({ state })}`;
    return { redirectUri: postLogoutRedirectUri + query, params: kept };
  }
}
