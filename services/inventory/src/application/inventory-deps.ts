import type { InventoryTx } from './stock-store';

/** What every handler works with besides its transaction. */
export interface InventoryDeps {
  /** `inventory.low-stock` is published when available falls from above this to at or below it. */
  lowStockThreshold: number;
  clock(): Date;
}

/** Runs work in a transaction of its own (the kit's `transaction` on the service's DataSource). */
export type RunInTransaction = <T>(work: (tx: InventoryTx) => Promise<T>) => Promise<T>;
