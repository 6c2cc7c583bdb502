import { OPENID_SCOPES } from '../common/oauth/scope-descriptions';
import { ApiEntity } from './entities/api.entity';

/**
 * What an access token is for (RFC 8707): an API, whose identifier becomes the token's `aud`, or
 * undefined for the provider's own endpoints (userinfo, the administration API), `aud` = the issuer.
 */
export type Target = ApiEntity | undefined;

function definedBy(api: ApiEntity, scope: string): boolean {
  return api.scopes.some((defined) => defined.name === scope);
}

/**
 * Why `scope` does not go with the target, or undefined when it does (the callers answer
 * `invalid_target`, RFC 8707 §2). With a resource, each scope asked for is the API's own or an
 * OpenID scope (which governs the ID token, userinfo and refresh, not the API); a scope of another
 * API, or `admin` (the provider's own), does not go with it.
 */
export function scopeElsewhere(target: Target, scope: readonly string[]): string | undefined {
  const goes = new Set(scopeForTarget(target, scope));
  const elsewhere = scope.find((s) => !goes.has(s));
  return elsewhere === undefined
    ? undefined
    : `scope ${elsewhere} is not a scope of the resource ${target?.identifier}`;
}

/** What may be asked of this target among `scope`: all of it without a target, else the API's and the OpenID scopes. */
export function scopeForTarget(target: Target, scope: readonly string[]): string[] {
  return target ? scope.filter((s) => OPENID_SCOPES.includes(s) || definedBy(target, s)) : [...scope];
}

/**
 * The scope of an access token for this target: the whole of `scope` for the provider itself, the
 * API's scopes alone for an API, so that a token an API is handed opens nothing elsewhere.
 */
export function accessTokenScope(target: Target, scope: readonly string[]): string[] {
  return target ? scope.filter((s) => definedBy(target, s)) : [...scope];
}
