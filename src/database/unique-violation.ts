import { QueryFailedError } from 'typeorm';

/** SQLite's and MySQL's codes for a row that would repeat a primary key or a unique index. */
const UNIQUE_VIOLATIONS = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY', 'ER_DUP_ENTRY']);

/** Whether a write failed only because a unique index already holds its key. */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const { code } = error.driverError as { code?: unknown };
  return typeof code === 'string' && UNIQUE_VIOLATIONS.has(code);
}
