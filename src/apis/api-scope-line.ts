import { ApiScope } from './entities/api.entity';

/**
 * A scope written on one line as `name:description`, as the CLI's `--scope` and the console's
 * scopes field take it. Scope names may hold ":", so the name ends at the last ":" before the
 * first space: "api:read: Read your data" names api:read. Null when the line has no name.
 */
export function parseApiScopeLine(line: string): ApiScope | null {
  const space = line.indexOf(' ');
  const colon = line.lastIndexOf(':', space === -1 ? undefined : space);
  if (colon <= 0) return null;
  return { name: line.slice(0, colon), description: line.slice(colon + 1).trim() };
}

/** The scope as one line of `name: description`, which parseApiScopeLine reads back. */
export function apiScopeLine(scope: ApiScope): string {
  return `${scope.name}: ${scope.description}`;
}
