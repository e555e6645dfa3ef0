import type { HandlerContext } from '@shop/kit';
import { stockCommitted } from '../domain/inventory-events';
import { type Reservation, reservationTransitions, type Shortage } from '../domain/reservation';
import { announceLevels, emit } from './announce-levels';
import { reservationJustChanged } from './find-reservation';
import type { InTransaction } from './inventory-deps';
import { rejectionFor } from './shortages';
import type { InventoryTx } from './stock-store';

export type CommitResult =
  /** `changed` is false when it was committed already. */
  | { ok: true; changed: boolean; reservation: Reservation }
  | { ok: false; reason: 'not-found' }
  /** Released or rejected: it holds nothing to commit. */
  | { ok: false; reason: 'not-held'; reservation: Reservation }
  /** Expired, and its stock has been sold to someone else since. */
  | { ok: false; reason: 'expired'; reservation: Reservation; shortages: Shortage[] };

/**
 * The order was paid: its held units leave the shelf (onHand and reserved both drop). Idempotent on the
 * order. A reservation that expired before the payment arrived still commits when its units are still
 * available, taken straight from available in one conditional UPDATE per line.
 */
export async function commitReservation(
  _ctx: HandlerContext,
  input: { orderId: string },
  deps: InTransaction,
): Promise<CommitResult> {
  const { tx } = deps;
  const now = deps.clock();
  if (await tx.stock.changeReservation(input.orderId, { ...reservationTransitions.commitHeld, at: now })) {
    const reservation = await reservationJustChanged(tx, input.orderId);
    await tx.stock.commitLines(reservation.lines, now);
    for (const line of reservation.lines) await announceLevels(tx, deps, line.productId, 0, now);
    await emit(tx, stockCommitted(reservation, now));
    return { ok: true, changed: true, reservation };
  }

  const reservation = await tx.stock.findReservation(input.orderId);
  if (!reservation) return { ok: false, reason: 'not-found' };
  switch (reservation.status) {
    case 'committed':
      return { ok: true, changed: false, reservation };
    case 'released':
    case 'rejected':
      return { ok: false, reason: 'not-held', reservation };
    case 'held':
    case 'held-for-review':
      // Held now but not when the UPDATE ran: its reservation committed in between. The retry commits it.
      throw new Error(`reservation of order ${input.orderId} changed during commit; retry`);
    case 'expired':
      return commitExpired(tx, reservation, deps, now);
  }
}

async function commitExpired(
  tx: InventoryTx,
  reservation: Reservation,
  deps: InTransaction,
  now: Date,
): Promise<CommitResult> {
  const short = await tx.stock.takeLines(reservation.lines, now);
  if (short.length > 0) {
    const { shortages } = await rejectionFor(tx, short);
    return { ok: false, reason: 'expired', reservation, shortages };
  }
  // Stock is taken first and the status moved second: if a concurrent commit moved it first, throwing rolls
  // our take back and the retry finds the reservation committed.
  if (!(await tx.stock.changeReservation(reservation.orderId, { ...reservationTransitions.commitExpired, at: now }))) {
    throw new Error(`reservation of order ${reservation.orderId} was committed concurrently; retry`);
  }
  for (const line of reservation.lines) await announceLevels(tx, deps, line.productId, -line.quantity, now);
  const committed: Reservation = { ...reservation, status: 'committed', updatedAt: now };
  await emit(tx, stockCommitted(committed, now));
  return { ok: true, changed: true, reservation: committed };
}
