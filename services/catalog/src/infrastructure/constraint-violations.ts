import { QueryFailedError } from 'typeorm';

interface DriverError {
  code?: unknown;
  number?: unknown;
  originalError?: { info?: { number?: unknown } };
}

/**
 * True when a write failed because a foreign key refused it (a referenced row is missing, or a row still
 * references the one deleted). The kit has isUniqueViolation only; this is its sibling for our dialects.
 */
export function isForeignKeyViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = (error.driverError ?? {}) as DriverError;
  if (driverError.code === '23503') return true; // PostgreSQL foreign_key_violation
  if (driverError.code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return true;
  const number = driverError.number ?? driverError.originalError?.info?.number;
  return number === 547; // SQL Server: statement conflicted with a FOREIGN KEY (or CHECK) constraint
}
