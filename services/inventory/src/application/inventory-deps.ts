import type { InventoryTx } from './stock-store';

/** What every handler works with besides its transaction. */
export interface InventoryDeps {
  /** `inventory.low-stock` is published when available falls from above this to at or below it. */
  lowStockThreshold: number;
  clock(): Date;
}

/** Runs work in a transaction of its own (the kit's `transaction` on the service's DataSource). */
/** What a handler run inside a transaction it is handed (the event intake's, a route's) works with. */
export type InTransaction = InventoryDeps & { tx: InventoryTx };

/** What a handler that opens transactions of its own works with. */
export type WithTransactions = InventoryDeps & { run: RunInTransaction };

export type RunInTransaction = <T>(work: (tx: InventoryTx) => Promise<T>) => Promise<T>;
