import { ClientEntity } from '../clients/entities/client.entity';
import { isSubset, parseScope } from '../common/oauth/scope';
import { AccessTokenClaims } from './access-token.claims';

/** The token's client as it is now. */
export interface ClientNow {
  scope: readonly string[];
  grantTypes: readonly string[];
  /** When the client last got a new secret or changed between confidential and public (ms since the epoch). */
  credentialsChangedAt: number | null;
}

/** The client as standingProblem() judges a token by it. */
export function clientNow(client: ClientEntity): ClientNow {
  return Object.freeze({
    scope: Object.freeze(parseScope(client.scope) ?? []),
    grantTypes: Object.freeze([...client.grantTypes]),
    credentialsChangedAt: client.credentialsChangedAt ? client.credentialsChangedAt.getTime() : null,
  });
}

/** What a token depends on, as the database has it now. */
export interface Standing {
  /** Null once the client is deleted. */
  client: ClientNow | null;
  /** Whether the token's grant (if it has one) is not revoked. */
  grantActive: boolean;
  /** Whether the token itself was revoked (RFC 7009). */
  revoked: boolean;
}

/**
 * Why a genuine, unexpired access token no longer stands, or undefined when it does. A token is
 * judged by its client as the client is now, not as it was when the token was issued, so that an
 * administrator's change to a client takes effect at once on the tokens already out:
 *
 * - a token carrying any scope the client no longer has is refused as a whole: narrowing it to
 *   what remains would hand its bearer a token nobody issued;
 * - a token without `gid` was born of client_credentials and stands only while the client may
 *   still use that grant; a token with `gid` is a user's delegation (the code flow and its refresh
 *   tokens) and stands only while the client may still use authorization_code;
 * - a new secret, or a change between confidential and public, ends the tokens issued before it:
 *   whoever held the old credentials keeps nothing they obtained. `iat` counts whole seconds, so
 *   the tokens of the second the change was made in stand: refusing them would also refuse the
 *   ones issued right after it, with the new credentials.
 */
export function standingProblem(claims: AccessTokenClaims, standing: Standing): string | undefined {
  const { client } = standing;
  if (!client) return 'client deleted';
  if (!standing.grantActive) return 'grant revoked';
  if (standing.revoked) return 'token revoked';
  if (client.credentialsChangedAt !== null && claims.iat < Math.floor(client.credentialsChangedAt / 1000)) {
    return "issued before the client's credentials changed";
  }
  const grantType = claims.gid ? 'authorization_code' : 'client_credentials';
  if (!client.grantTypes.includes(grantType)) return `the client may no longer use ${grantType}`;
  const scope = parseScope(claims.scope);
  if (!scope || !isSubset(scope, client.scope)) return 'carries a scope the client no longer has';
  return undefined;
}
