import type { HandlerContext } from '@shop/kit';
import { announceLevels } from './announce-levels';
import type { InTransaction } from './inventory-deps';

/**
 * A product was created in the catalog: it gets a stock item with its initial stock on hand, once. A
 * product that has one already (a replay, a second event for it) keeps what it has.
 */
export async function openStockItem(
  _ctx: HandlerContext,
  input: { productId: string; initialStock: number },
  deps: InTransaction,
): Promise<{ created: boolean }> {
  const { tx } = deps;
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
  _ctx: HandlerContext,
  input: { productId: string },
  deps: InTransaction,
): Promise<{ changed: boolean }> {
  const { tx } = deps;
  return { changed: await tx.stock.discontinue(input.productId, deps.clock()) };
}
