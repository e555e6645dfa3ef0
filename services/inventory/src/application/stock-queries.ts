import type { Tx } from '@shop/kit';
import type { Reservation } from '../domain/reservation';
import { levelsOf, type StockItem, type StockLevels } from '../domain/stock-levels';
import type { InventoryDeps } from './inventory-deps';

export async function getStockLevels(
  tx: Tx,
  input: { productId: string },
  deps: InventoryDeps,
): Promise<StockLevels | undefined> {
  const item = await deps.store.findItem(tx, input.productId);
  return item && levelsOf(item);
}

export interface StockPage {
  items: StockItem[];
  /** The last product id of this page when another page may follow. */
  lastProductId: string | null;
}

/** Stock items by product id, optionally only those at or below the low-stock threshold. */
export async function listStockItems(
  tx: Tx,
  input: { lowStockOnly: boolean; afterProductId?: string; limit: number },
  deps: InventoryDeps,
): Promise<StockPage> {
  const page = await deps.store.listItems(tx, {
    limit: input.limit,
    ...(input.afterProductId !== undefined ? { afterProductId: input.afterProductId } : {}),
    ...(input.lowStockOnly ? { maxAvailable: deps.lowStockThreshold } : {}),
  });
  return { items: page.items, lastProductId: page.last?.productId ?? null };
}

export function getReservation(
  tx: Tx,
  input: { orderId: string },
  deps: InventoryDeps,
): Promise<Reservation | undefined> {
  return deps.store.findReservation(tx, input.orderId);
}
