import type { DataSource, ObjectLiteral } from 'typeorm';

/**
 * better-sqlite3 keeps this many prepared statements per database (TypeORM's default is 100). A FIFO cache: once a
 * service's distinct statements outnumber it, its hottest ones are evicted and prepared again and again.
 */
export const sqliteStatementCacheSize = 1_000;

/**
 * TypeORM's SQLite drivers write a number parameter into the SQL text (`stock_version < 37`, `seq IN (149, 150)`)
 * instead of binding it, so every new number makes a new statement for SQLite to prepare, and each one pushes a hot
 * statement out of the statement cache. Integers are bound instead, as 64-bit integers (BigInt), which SQLite
 * treats exactly as it treats the literal (same type, same affinity conversions): the SQL text stays the same from
 * one call to the next. Other numbers (fractions, beyond 2^53) stay literals, as before.
 */
export function bindIntegerParameters(dataSource: DataSource): void {
  const driver = dataSource.driver;
  const withParameters = driver.escapeQueryWithParameters.bind(driver);
  driver.escapeQueryWithParameters = (sql: string, parameters: ObjectLiteral) =>
    withParameters(sql, integersBound(parameters));
}

function integersBound(parameters: ObjectLiteral): ObjectLiteral {
  if (!parameters) return parameters;
  let bound: ObjectLiteral | undefined;
  for (const [key, value] of Object.entries(parameters)) {
    if (typeof value === 'number' && Number.isSafeInteger(value)) {
      bound ??= { ...parameters };
      bound[key] = BigInt(value);
    }
  }
  return bound ?? parameters;
}
