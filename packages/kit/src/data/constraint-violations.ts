import { QueryFailedError } from 'typeorm';

interface DriverError {
  code?: unknown;
  number?: unknown;
  originalError?: { info?: { number?: unknown } };
}

/** The failed query's error as each driver reports it: `code` (pg, better-sqlite3) and `number` (mssql). */
function driverFailure(error: unknown): { code?: unknown; number?: unknown } | undefined {
  if (!(error instanceof QueryFailedError)) return undefined;
  const driverError = (error.driverError ?? {}) as DriverError;
  return { code: driverError.code, number: driverError.number ?? driverError.originalError?.info?.number };
}

/** True when a query failed because a row with the same primary or unique key exists (any of our dialects). */
export function isUniqueViolation(error: unknown): boolean {
  const failure = driverFailure(error);
  if (!failure) return false;
  if (failure.code === '23505') return true; // PostgreSQL unique_violation
  if (failure.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || failure.code === 'SQLITE_CONSTRAINT_UNIQUE') return true;
  return failure.number === 2627 || failure.number === 2601; // SQL Server: PRIMARY KEY / UNIQUE constraint, unique index
}

/**
 * True when a write failed because a foreign key refused it (a referenced row is missing, or a row still references
 * the one deleted), in any of our dialects.
 */
export function isForeignKeyViolation(error: unknown): boolean {
  const failure = driverFailure(error);
  if (!failure) return false;
  if (failure.code === '23503') return true; // PostgreSQL foreign_key_violation
  if (failure.code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return true;
  return failure.number === 547; // SQL Server: statement conflicted with a FOREIGN KEY (or CHECK) constraint
}
