import { AUTH_METHODS } from '../clients/dto/client-metadata.dto';
import { ClientView } from '../clients/client.view';
import { DEFAULT_GRANT_TYPES, GRANT_TYPES } from '../common/oauth/grant-types';
import {
  DEFAULT_ID_TOKEN_SIGNING_ALG,
  ID_TOKEN_SIGNING_ALGS,
  IdTokenSigningAlg,
} from '../common/oauth/id-token-signing-algs';

const AUTH_METHOD_LABELS: Record<string, string> = {
  client_secret_basic: 'Secret, HTTP Basic (client_secret_basic)',
  client_secret_post: 'Secret, in the form (client_secret_post)',
  none: 'None: a public client (none)',
};

const ID_TOKEN_ALG_LABELS: Record<IdTokenSigningAlg, string> = {
  RS256: 'RS256 (RSA, what every application supports)',
  ES256: 'ES256 (ECDSA P-256, smaller and faster)',
};

/** A textarea of one URI per line, as a list; anything else (a field sent twice) is left for the validation to refuse. */
function lines(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  return value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

/** Checkboxes: none ticked sends nothing, one a string, several an array. */
function ticked(value: unknown): unknown {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}

/**
 * The client form's fields as client metadata (RFC 7591 names), for the same validation as the
 * admin API's (clientMetadataPipe): the console's client is what the API would have made.
 */
export function clientMetadataFrom(body: Record<string, unknown>): Record<string, unknown> {
  return {
    name: body.name,
    redirect_uris: lines(body.redirect_uris),
    post_logout_redirect_uris: lines(body.post_logout_redirect_uris),
    grant_types: ticked(body.grant_types),
    scope: body.scope,
    // An emptied field removes the default resource.
    default_resource: body.default_resource === '' ? null : body.default_resource,
    token_endpoint_auth_method: body.token_endpoint_auth_method,
    id_token_signed_response_alg: body.id_token_signed_response_alg,
  };
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');
const list = (value: unknown) => (Array.isArray(value) ? value.filter((v) => typeof v === 'string') : []);

/** What the client form shows: the client's metadata (or what was typed), with its choices spelt out. */
export function clientFormValues(metadata: Partial<Record<keyof ClientView, unknown>>) {
  const grantTypes = list(metadata.grant_types);
  const method = text(metadata.token_endpoint_auth_method) || 'client_secret_basic';
  const idTokenAlg = text(metadata.id_token_signed_response_alg) || DEFAULT_ID_TOKEN_SIGNING_ALG;
  return {
    name: text(metadata.name),
    redirect_uris: list(metadata.redirect_uris).join('\n'),
    post_logout_redirect_uris: list(metadata.post_logout_redirect_uris).join('\n'),
    scope: text(metadata.scope),
    default_resource: text(metadata.default_resource),
    grantTypes: GRANT_TYPES.map((value) => ({ value, checked: grantTypes.includes(value) })),
    authMethods: AUTH_METHODS.map((value) => ({ value, label: AUTH_METHOD_LABELS[value], selected: value === method })),
    idTokenAlgs: ID_TOKEN_SIGNING_ALGS.map((value) => ({
      value,
      label: ID_TOKEN_ALG_LABELS[value],
      selected: value === idTokenAlg,
    })),
  };
}

/** A new client's form, as first shown. */
export const NEW_CLIENT_VALUES = clientFormValues({
  grant_types: DEFAULT_GRANT_TYPES,
  scope: 'openid profile email',
});
