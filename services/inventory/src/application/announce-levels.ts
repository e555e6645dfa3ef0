import { type InventoryEvent, levelAnnouncements } from '../domain/inventory-events';
import { levelsOf, type StockLevels } from '../domain/stock-levels';
import type { InventoryDeps } from './inventory-deps';
import type { InventoryTx } from './stock-store';

export function emit(tx: InventoryTx, event: InventoryEvent): Promise<void> {
  return tx.outbox(event.topic, event.envelope);
}

/**
 * Publishes a product's levels after a counter UPDATE, with a low-stock warning when that change took
 * available through the threshold. The UPDATE holds the row until commit (the whole database on SQLite),
 * so the row read here is exactly what it produced and its version is this change's.
 */
export async function announceLevels(
  tx: InventoryTx,
  deps: InventoryDeps,
  productId: string,
  availableChange: number,
  at: Date,
): Promise<StockLevels> {
  const item = await tx.stock.findItem(productId);
  if (!item) throw new Error(`stock item ${productId} vanished inside its own transaction`);
  for (const event of levelAnnouncements(item, availableChange, deps.lowStockThreshold, at)) await emit(tx, event);
  return levelsOf(item);
}
