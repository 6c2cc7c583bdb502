import { InvalidRequestError } from '../common/oauth/oauth.error';

/**
 * A deletion goes ahead only when the administrator typed one of the names of what goes (its
 * name, its ID): `what` says whose, in the refusal ("the client's name or client ID").
 */
export function confirmTyped(typed: unknown, names: string[], what: string): void {
  if (typeof typed !== 'string' || !names.includes(typed)) {
    throw new InvalidRequestError(`Type ${what} exactly to confirm. Nothing was deleted.`);
  }
}
