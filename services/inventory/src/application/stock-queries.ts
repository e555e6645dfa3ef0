import type { HandlerContext } from '@shop/kit';
import type { Reservation } from '../domain/reservation';
import { levelsOf, type StockItem, type StockLevels } from '../domain/stock-levels';
import type { InTransaction } from './inventory-deps';

export async function getStockLevels(
  _ctx: HandlerContext,
  input: { productId: string },
  deps: InTransaction,
): Promise<StockLevels | undefined> {
  const { tx } = deps;
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
  _ctx: HandlerContext,
  input: { lowStockOnly: boolean; afterProductId?: string; limit: number },
  deps: InTransaction,
): Promise<StockPage> {
  const { tx } = deps;
  const page = await tx.stock.listItems({
    limit: input.limit,
    ...(input.afterProductId !== undefined ? { afterProductId: input.afterProductId } : {}),
    ...(input.lowStockOnly ? { maxAvailable: deps.lowStockThreshold } : {}),
  });
  return { items: page.items, lastProductId: page.last?.productId ?? null };
}

export function getReservation(
  _ctx: HandlerContext,
  input: { orderId: string },
  deps: InTransaction,
): Promise<Reservation | undefined> {
  const { tx } = deps;
  return tx.stock.findReservation(input.orderId);
}
