import type { Rejection, ReservationLine, Shortage } from '../domain/reservation';
import type { InventoryTx } from './stock-store';

/**
 * Why lines were refused, read after their conditional UPDATEs refused: only to tell the caller how far off
 * it was, never to decide anything (the numbers may have moved on by the time they are read).
 */
export async function rejectionFor(tx: InventoryTx, short: ReservationLine[]): Promise<Rejection> {
  let unknownProduct = false;
  const shortages: Shortage[] = [];
  for (const line of short) {
    const item = await tx.stock.findItem(line.productId);
    if (!item) unknownProduct = true;
    const available = item && item.discontinuedAt === null ? Math.max(0, item.onHand - item.reserved) : 0;
    shortages.push({ productId: line.productId, requested: line.quantity, available });
  }
  return { reason: unknownProduct ? 'unknown-product' : 'insufficient-stock', shortages };
}
