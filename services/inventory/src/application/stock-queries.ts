import type { Reservation } from '../domain/reservation';
import { levelsOf, type StockItem, type StockLevels } from '../domain/stock-levels';
import type { InventoryDeps } from './inventory-deps';
import type { InventoryTx } from './stock-store';

export async function getStockLevels(
  tx: InventoryTx,
  input: { productId: string },
  _deps: InventoryDeps,
): Promise<StockLevels | undefined> {
  const item = await tx.stock.findItem(input.productId);
  return item && levelsOf(item);
}

export interface StockPage {
  items: StockItem[];
  /** The last product id of this page when another page may follow. */
  lastProductId: string | null;
}

/** Stock items by product id, optionally only those at or below the low-stock threshold. */
export async function listStockItems(
  tx: InventoryTx,
  input: { lowStockOnly: boolean; afterProductId?: string; limit: number },
  deps: InventoryDeps,
): Promise<StockPage> {
  const page = await tx.stock.listItems({
    limit: input.limit,
    ...(input.afterProductId !== undefined ? { afterProductId: input.afterProductId } : {}),
    ...(input.lowStockOnly ? { maxAvailable: deps.lowStockThreshold } : {}),
  });
  return { items: page.items, lastProductId: page.last?.productId ?? null };
}

export function getReservation(
  tx: InventoryTx,
  input: { orderId: string },
  _deps: InventoryDeps,
): Promise<Reservation | undefined> {
  return tx.stock.findReservation(input.orderId);
}
