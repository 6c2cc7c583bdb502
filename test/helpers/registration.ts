import { Test } from 'supertest';
import { Http } from './partner';
import request from 'supertest';

/*
 * A partner at the dynamic registration endpoint (RFC 7591 §3) and the client configuration
 * endpoint (RFC 7592 §2): the one place the tests spell these paths and send their tokens.
 */

export const REGISTRATION_ENDPOINT = '/oauth/register';

/** What the registration endpoint answers (RFC 7591 §3.2.1, RFC 7592 §3). */
export interface RegisteredClient {
  client_id: string;
  client_secret?: string;
  client_id_issued_at: number;
  client_secret_expires_at?: number;
  registration_access_token: string;
  registration_client_uri: string;
  client_name: string;
  redirect_uris: string[];
  grant_types: string[];
  scope: string;
  token_endpoint_auth_method: string;
  id_token_signed_response_alg: string;
}

function agent(http: Http) {
  return typeof http === 'string' ? request(http) : http;
}

/** `Authorization: Bearer <token>` when there is a token; `null` sends no Authorization header. */
function bearer(req: Test, token: string | null): Test {
  return token === null ? req : req.set('Authorization', `Bearer ${token}`);
}

/** The path of a client's configuration endpoint, as registration_client_uri names it. */
export function configurationPath(clientId: string): string {
  return `${REGISTRATION_ENDPOINT}/${encodeURIComponent(clientId)}`;
}

/** RFC 7591 §3.1: registers a client with `metadata`, with an initial access token when given. */
export function register(http: Http, metadata: object, initialAccessToken: string | null = null): Test {
  return bearer(agent(http).post(REGISTRATION_ENDPOINT), initialAccessToken).send(metadata);
}

/** RFC 7592 §2.1: reads the client's registration with a registration access token. */
export function readRegistration(http: Http, clientId: string, token: string | null): Test {
  return bearer(agent(http).get(configurationPath(clientId)), token);
}

/** RFC 7592 §2.2: replaces the client's metadata; `client_id` is sent unless `metadata` says otherwise. */
export function updateRegistration(http: Http, clientId: string, token: string | null, metadata: object): Test {
  return bearer(agent(http).put(configurationPath(clientId)), token).send({ client_id: clientId, ...metadata });
}

/** RFC 7592 §2.3: deletes the client. */
export function deleteRegistration(http: Http, clientId: string, token: string | null): Test {
  return bearer(agent(http).delete(configurationPath(clientId)), token);
}
