import { apiScopeLine, parseApiScopeLine } from '../apis/api-scope-line';
import { ApiView } from '../apis/api.view';
import { InvalidRequestError } from '../common/oauth/oauth.error';

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/** What the API form shows: the API's fields (or what was typed), its scopes one per line. */
export function apiFormValues(api: Partial<Record<keyof ApiView, unknown>>) {
  const scopes = Array.isArray(api.scopes) ? api.scopes.map(apiScopeLine).join('\n') : text(api.scopes);
  const ttl = api.access_token_ttl;
  return {
    identifier: text(api.identifier),
    name: text(api.name),
    scopes,
    access_token_ttl: typeof ttl === 'number' ? String(ttl) : text(ttl),
  };
}

/** A new API's form, as first shown. */
export const NEW_API_VALUES = apiFormValues({ access_token_ttl: 3600 });

/**
 * The API form's fields as the admin API's body (`identifier` only for a new API), for the same
 * validation (ApiMetadataDto). A scope line without a name is refused here, naming the line.
 */
export function apiMetadataFrom(body: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const metadata: Record<string, unknown> = {};
  for (const field of fields) metadata[field] = body[field];
  if (typeof body.scopes === 'string') {
    metadata.scopes = body.scopes
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter(Boolean)
      .map((line) => {
        const scope = parseApiScopeLine(line);
        if (!scope) throw new InvalidRequestError(`scope line ${JSON.stringify(line)} must be "name: description"`);
        return scope;
      });
  }
  const ttl = body.access_token_ttl;
  if (typeof ttl === 'string' && ttl.trim() !== '') {
    metadata.access_token_ttl = /^\d+$/.test(ttl.trim()) ? Number(ttl.trim()) : ttl;
  }
  return metadata;
}
