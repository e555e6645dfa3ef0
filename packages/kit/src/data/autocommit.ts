import type { DataSource, EntityManager } from 'typeorm';
import { dialectOf } from './portable-columns';
import { withoutTransaction } from './unit-of-work';

/**
 * Runs work that needs no transaction: each of its statements is atomic and correct on its own (one UPDATE;
 * a lookup and a keyed INSERT whose unique violation the caller handles). On PostgreSQL and SQL Server the
 * statements go straight to the pool, saving a BEGIN and a COMMIT round trip. On SQLite the driver's one
 * connection is shared and a bare statement would land inside whatever transaction runs on it (and be rolled back
 * with it), so the work waits for its turn in the kit's queue of transactions, and then runs as bare statements
 * too (no BEGIN and COMMIT statements: SQLite commits each one by itself).
 */
export function autocommit<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  if (dialectOf(dataSource) === 'sqlite') return withoutTransaction(dataSource, work);
  return work(dataSource.manager);
}
