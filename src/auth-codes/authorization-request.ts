import { ClientEntity } from '../clients/entities/client.entity';

/** A validated authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3). */
export interface AuthorizationRequest {
  client: ClientEntity;
  /** Where the response goes: the URI the request named, or the client's only one. */
  redirectUri: string;
  redirectUriSent: boolean;
  scope: string[];
  /** The API the request is for (RFC 8707): its `resource`, or the client's default; undefined: the provider itself. */
  resource?: string;
  state?: string;
  codeChallenge?: string;
  nonce?: string;
  /** OpenID Connect Core §3.1.2.1 `prompt` values. */
  prompt: Set<string>;
  /** Seconds since the last login beyond which the user must sign in again. */
  maxAge?: number;
}

/**
 * The request's parameters as the consent form carries them back, or as the
 * login page returns to them. `max_age` and `prompt=login` are left out: a
 * login has just satisfied them, and keeping them would ask for login forever.
 */
export function authorizationRequestParams(request: AuthorizationRequest): Record<string, string> {
  const prompt = [...request.prompt].filter((p) => p !== 'login').join(' ');
  const params: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: request.client.clientId,
    redirect_uri: request.redirectUriSent ? request.redirectUri : undefined,
    scope: request.scope.join(' '),
    resource: request.resource,
    state: request.state,
    code_challenge: request.codeChallenge,
    code_challenge_method: request.codeChallenge ? 'S256' : undefined,
    nonce: request.nonce,
    prompt: prompt || undefined,
  };
  return Object.fromEntries(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined));
}
