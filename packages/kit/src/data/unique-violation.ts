import { QueryFailedError } from 'typeorm';

interface DriverError {
  code?: unknown;
  number?: unknown;
  originalError?: { info?: { number?: unknown } };
}

/** True when a query failed because a row with the same primary or unique key exists (any of our dialects). */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = (error.driverError ?? {}) as DriverError;
  const code = driverError.code;
  if (code === '23505') return true; // PostgreSQL unique_violation
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') return true;
  const number = driverError.number ?? driverError.originalError?.info?.number;
  return number === 2627 || number === 2601; // SQL Server: PRIMARY KEY / UNIQUE constraint, unique index
}
