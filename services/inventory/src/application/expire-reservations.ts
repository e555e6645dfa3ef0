import type { HandlerContext } from '@shop/kit';
import { stockReleased } from '../domain/inventory-events';
import { reservationTransitions } from '../domain/reservation';
import { announceLevels, emit } from './announce-levels';
import { reservationJustChanged } from './find-reservation';
import type { InTransaction, WithTransactions } from './inventory-deps';

/**
 * Releases one reservation whose TTL has passed. The status moves from held to expired by a conditional
 * UPDATE that also checks the expiry, so with several sweepers (replicas) racing, or a payment committing
 * at the same instant, exactly one of them releases the stock. Answers whether this call did.
 */
export async function expireReservation(
  _ctx: HandlerContext,
  input: { orderId: string },
  deps: InTransaction,
): Promise<boolean> {
  const { tx } = deps;
  const now = deps.clock();
  const change = { ...reservationTransitions.expire, at: now, releaseReason: 'expired' as const, expiredBy: now };
  if (!(await tx.stock.changeReservation(input.orderId, change))) return false;
  const reservation = await reservationJustChanged(tx, input.orderId);
  await tx.stock.releaseLines(reservation.lines, now);
  for (const line of reservation.lines) await announceLevels(tx, deps, line.productId, line.quantity, now);
  await emit(tx, stockReleased(reservation, 'expired', now));
  return true;
}

/**
 * One pass of the expiry sweep: finds up to `batchSize` expired holds and expires each in a transaction of
 * its own (one slow or failing reservation never holds back the others). Answers how many this pass
 * released and whether more may be waiting.
 */
export async function expireDueReservations(
  ctx: HandlerContext,
  options: { batchSize: number },
  { run, ...deps }: WithTransactions,
): Promise<{ expired: number; more: boolean }> {
  const due = await run((tx) => tx.stock.findExpired(deps.clock(), options.batchSize));
  let expired = 0;
  for (const reservation of due) {
    if (await run((tx) => expireReservation(ctx, { orderId: reservation.orderId }, { ...deps, tx }))) expired++;
  }
  return { expired, more: due.length === options.batchSize };
}
