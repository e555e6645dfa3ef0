import type { DataSource, EntityManager } from 'typeorm';
import { dialectOf } from './portable-columns';
import { transaction } from './unit-of-work';

/**
 * Runs work that needs no transaction: each of its statements is atomic and correct on its own (one UPDATE;
 * a lookup and a keyed INSERT whose unique violation the caller handles). On PostgreSQL and SQL Server the
 * statements go straight to the pool, saving a BEGIN and a COMMIT round trip. On SQLite the work still runs as
 * a transaction of the kit's queue, since the driver's one connection is shared and a bare statement would
 * land inside whatever transaction runs on it (and be rolled back with it).
 */
export function autocommit<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  if (dialectOf(dataSource) === 'sqlite') return transaction(dataSource, (tx) => work(tx.manager));
  return work(dataSource.manager);
}
