import { SUPPORTED_SCOPES } from '../../common/oauth/scope-descriptions';
import { parseScope } from '../../common/oauth/scope';
import {
  DEFAULT_ID_TOKEN_SIGNING_ALG,
  ID_TOKEN_SIGNING_ALGS,
  IdTokenSigningAlg,
  isIdTokenSigningAlg,
} from '../../common/oauth/id-token-signing-algs';
import { redirectUriProblem } from '../redirect-uri';
import { MetadataDocumentError } from './metadata-document.error';

/** What a document may say of its client, as the provider keeps it. */
export interface DocumentedClient {
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  grantTypes: string[];
  scope: string;
  idTokenSignedResponseAlg: IdTokenSigningAlg;
}

/** The grants a client known only by its document may use: it is public, so never client_credentials. */
const DOCUMENT_GRANT_TYPES = ['authorization_code', 'refresh_token'];

/** Fields naming a shared secret: a document is public, so it can hold none (draft §4.1). */
const SECRET_FIELDS = ['client_secret', 'client_secret_expires_at'];

/**
 * The client a Client ID Metadata Document describes, or a MetadataDocumentError saying what is
 * wrong with it (draft-ietf-oauth-client-id-metadata-document §4.1, RFC 7591 §2 for the fields):
 * a JSON object whose `client_id` is exactly the URL it came from; redirect URIs by the rules of
 * registration; a public client (no secret, `token_endpoint_auth_method` `none`), hence with
 * PKCE; only the code and refresh grants; a `scope`, if any, of scopes the provider offers
 * (`supportedScopes`), without which the client may ask for the built-in OpenID scopes; and an
 * `id_token_signed_response_alg`, if any, that ID tokens are signed with (RS256 without one).
 */
export function documentedClient(body: string, url: string, supportedScopes: string[]): DocumentedClient {
  const fail = (reason: string) => new MetadataDocumentError(`the document ${reason}`);
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch {
    throw fail('is not JSON');
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) throw fail('is not a JSON object');
  const fields = document as Record<string, unknown>;

  if (fields.client_id !== url) throw fail('names another client_id than the URL it was fetched from');
  const secret = SECRET_FIELDS.find((name) => name in fields);
  if (secret) throw fail(`must not contain ${secret}: such a client is public`);
  if (fields.token_endpoint_auth_method !== undefined && fields.token_endpoint_auth_method !== 'none') {
    throw fail('must have token_endpoint_auth_method none (or none at all): such a client is public');
  }

  const redirectUris = uris(fields.redirect_uris, 'redirect_uris', fail);
  if (redirectUris.length === 0) throw fail('must list at least one redirect_uri');
  const postLogoutRedirectUris =
    fields.post_logout_redirect_uris === undefined
      ? []
      : uris(fields.post_logout_redirect_uris, 'post_logout_redirect_uris', fail);

  const grantTypes = fields.grant_types === undefined ? DOCUMENT_GRANT_TYPES : strings(fields.grant_types);
  if (!grantTypes || grantTypes.some((grant) => !DOCUMENT_GRANT_TYPES.includes(grant))) {
    throw fail('may have only authorization_code and refresh_token as grant_types');
  }
  if (!grantTypes.includes('authorization_code')) throw fail('must allow the authorization_code grant');
  const responseTypes = fields.response_types === undefined ? ['code'] : strings(fields.response_types);
  if (!responseTypes || responseTypes.some((type) => type !== 'code'))
    throw fail('may have only code as response_types');

  let scope = SUPPORTED_SCOPES.filter((name) => name !== 'offline_access' || grantTypes.includes('refresh_token'));
  if (fields.scope !== undefined) {
    const asked = typeof fields.scope === 'string' ? parseScope(fields.scope) : null;
    if (!asked || asked.length === 0) throw fail('has a scope that is not a list of scope tokens');
    const unknown = asked.find((name) => !supportedScopes.includes(name));
    if (unknown) throw fail(`asks for the scope ${unknown}, which this provider does not offer`);
    scope = asked;
  }

  const idTokenSignedResponseAlg =
    fields.id_token_signed_response_alg === undefined
      ? DEFAULT_ID_TOKEN_SIGNING_ALG
      : fields.id_token_signed_response_alg;
  if (!isIdTokenSigningAlg(idTokenSignedResponseAlg)) {
    throw fail(`must have ${ID_TOKEN_SIGNING_ALGS.join(' or ')} as id_token_signed_response_alg, or none at all`);
  }

  const host = new URL(url).host;
  const name = fields.client_name === undefined ? host : fields.client_name;
  if (typeof name !== 'string' || name.trim() === '' || name.length > 255 || /[\x00-\x1f\x7f]/.test(name)) {
    throw fail('has a client_name that is not a short line of text');
  }
  return {
    name: name.trim(),
    redirectUris,
    postLogoutRedirectUris,
    grantTypes,
    scope: scope.join(' '),
    idTokenSignedResponseAlg,
  };
}

function strings(value: unknown): string[] | null {
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : null;
}

function uris(value: unknown, field: string, fail: (reason: string) => MetadataDocumentError): string[] {
  const list = strings(value);
  if (!list) throw fail(`must have ${field} as a list of URIs`);
  for (const uri of list) {
    const problem = redirectUriProblem(uri);
    if (problem) throw fail(`lists ${field} ${JSON.stringify(uri).slice(0, 200)}, which ${problem}`);
  }
  return list;
}
