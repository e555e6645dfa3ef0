import type { DataSource } from 'typeorm';
import type { InventoryDeps, RunInTransaction } from '../application/inventory-deps';

/** What the routes need: the handlers' dependencies, a way to run them, and the DataSource for idempotency keys. */
export interface HttpDeps {
  db: DataSource;
  run: RunInTransaction;
  inventory: InventoryDeps;
  /** The reservation TTL when a request does not name one. */
  defaultTtlSeconds: number;
}
