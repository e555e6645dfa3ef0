import { announceLevels } from './announce-levels';
import type { InventoryDeps } from './inventory-deps';
import type { InventoryTx } from './stock-store';

/**
 * A product was created in the catalog: it gets a stock item with its initial stock on hand, once. A
 * product that has one already (a replay, a second event for it) keeps what it has.
 */
export async function openStockItem(
  tx: InventoryTx,
  input: { productId: string; initialStock: number },
  deps: InventoryDeps,
): Promise<{ created: boolean }> {
  const now = deps.clock();
  const created = await tx.stock.insertItem({
    productId: input.productId,
    onHand: input.initialStock,
    reserved: 0,
    version: 1,
    discontinuedAt: null,
    createdAt: now,
    updatedAt: now,
  });
  // Announced so that the catalog's `stock` and subscribed clients learn the first levels; no low-stock
  // warning: nothing fell, the item starts where it starts.
  if (created) await announceLevels(tx, deps, input.productId, 0, now);
  return { created };
}

/** The product was deleted (archived) in the catalog: nothing new is reserved for it; held stock stays held. */
export async function discontinueStockItem(
  tx: InventoryTx,
  input: { productId: string },
  deps: InventoryDeps,
): Promise<{ changed: boolean }> {
  return { changed: await tx.stock.discontinue(input.productId, deps.clock()) };
}
