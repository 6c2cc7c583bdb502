import { FindOperator, Raw } from 'typeorm';

/**
 * A condition for a column containing `text` (LIKE, the wildcards in `text` taken literally), or
 * undefined without text. `!` escapes the wildcards the same way on SQLite (no default escape)
 * and MySQL (a backslash by default).
 */
export function contains(text: string | undefined): FindOperator<string> | undefined {
  if (!text) return undefined;
  const like = `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;
  return Raw((column) => `${column} LIKE :like ESCAPE '!'`, { like });
}
