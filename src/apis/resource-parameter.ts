import { InvalidTargetError } from '../common/oauth/oauth.error';
import { apiIdentifierProblem } from './api-identifier';

/** Longer than any API identifier (255 characters): refused before it is looked at. */
const MAX_RESOURCE_LENGTH = 2000;

/**
 * The one resource a request names (RFC 8707 §2), or undefined when it names none. The value
 * must be an absolute URI without a fragment; whether it is a registered API is the caller's
 * question (ApisService.target). RFC 8707 lets a request repeat `resource` to name several
 * resources; an access token here has one audience, so a request may name one resource only: the
 * same value repeated is that one resource, different values are refused with `invalid_target`.
 */
export function resourceParameter(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const values = new Set(Array.isArray(value) ? (value as unknown[]) : [value]);
  if (values.size > 1) {
    throw new InvalidTargetError('only one resource may be requested at a time; ask for a token per resource');
  }
  const [resource] = values;
  if (typeof resource !== 'string' || resource.length > MAX_RESOURCE_LENGTH) {
    throw new InvalidTargetError('resource is malformed');
  }
  const problem = apiIdentifierProblem(resource);
  if (problem) throw new InvalidTargetError(`resource ${problem}`);
  return resource;
}
