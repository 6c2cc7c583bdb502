/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), separated by single spaces. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** The scope tokens of a scope string, or null when it is not well formed. */
export function parseScope(scope: string): string[] | null {
  if (scope === '') return [];
  const tokens = scope.split(' ');
  return tokens.every((t) => SCOPE_TOKEN.test(t)) ? [...new Set(tokens)] : null;
}

export function formatScope(tokens: Iterable<string>): string {
  return [...tokens].join(' ');
}

/** Whether every token of `requested` is among `allowed`. */
export function isSubset(requested: readonly string[], allowed: readonly string[]): boolean {
  const set = new Set(allowed);
  return requested.every((t) => set.has(t));
}
