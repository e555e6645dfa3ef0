import type { Tx } from '@shop/kit';
import type { DataSource } from 'typeorm';
import type { InventoryDeps, RunInTransaction } from '../application/inventory-deps';
import type { InventoryTx } from '../application/stock-store';

/** What the routes need: the handlers' dependencies, a way to run them, and the DataSource for idempotency keys. */
export interface HttpDeps {
  db: DataSource;
  run: RunInTransaction;
  /** The use cases' view of a transaction the routes opened themselves (an idempotent write records its answer in it). */
  unitOf: (tx: Tx) => InventoryTx;
  inventory: InventoryDeps;
  /** The reservation TTL when a request does not name one. */
  defaultTtlSeconds: number;
}
