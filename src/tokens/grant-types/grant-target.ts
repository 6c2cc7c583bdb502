import { ApisService } from '../../apis/apis.service';
import { Target } from '../../apis/resource-target';
import { InvalidGrantError, InvalidTargetError } from '../../common/oauth/oauth.error';

/**
 * The target of the tokens a code or grant yields: the API it was authorized for (its stored
 * `resource`, the authorization request's or the client's default), or the provider itself. A
 * `resource` sent at the token endpoint (RFC 8707 §2.2) must name that very API: a code or grant
 * is never turned into a token for another audience than the one the user authorized; anything
 * else is `invalid_target`. An API deleted since leaves nothing to issue for: `invalid_grant`.
 */
export async function grantTarget(apis: ApisService, stored: string | null, sent: string | undefined): Promise<Target> {
  if (sent !== undefined && sent !== stored) {
    throw new InvalidTargetError(
      stored === null
        ? 'resource was not part of the authorization; ask for it at the authorization endpoint'
        : `resource must be the one authorized, ${stored}`,
    );
  }
  if (stored === null) return undefined;
  const api = await apis.registered(stored);
  if (!api) throw new InvalidGrantError('the resource this grant is for is no longer registered', stored);
  return api;
}
