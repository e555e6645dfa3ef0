import type { Logger as TypeOrmLogger } from 'typeorm';
import type { Logger } from '../log/logger';

/**
 * TypeORM's logger interface on our bunyan logger. Failed queries go to debug: the caller sees the error
 * and decides (a unique violation is the normal answer for a duplicate event), so logging them as errors
 * here would cry wolf. Schema and migration messages ("No migrations are pending", one line per migration and
 * service at every start) are debug too: a failed migration throws, and the start fails with its error.
 */
export function queryLogger(log: Logger): TypeOrmLogger {
  const db = log.child({ component: 'typeorm' });
  return {
    // Asked for every statement: nothing is built unless trace is on. Integers are bound as BigInt on SQLite
    // (bindIntegerParameters), which JSON cannot write.
    logQuery: (query, parameters) => {
      if (!db.trace()) return;
      db.trace(
        { query, parameters: parameters?.map((p: unknown) => (typeof p === 'bigint' ? Number(p) : p)) },
        'query',
      );
    },
    logQueryError: (error, query) => db.debug({ query, error: String(error) }, 'query failed'),
    logQuerySlow: (timeMs, query) => db.warn({ query, timeMs }, 'slow query'),
    logSchemaBuild: (message) => db.debug(message),
    logMigration: (message) => db.debug(message),
    log: (level, message) => (level === 'warn' ? db.warn(String(message)) : db.debug(String(message))),
  };
}
