import type { HandlerContext } from '@shop/kit';
import { stockReleased } from '../domain/inventory-events';
import { holdsStock, type ReleaseReason, type Reservation, reservationTransitions } from '../domain/reservation';
import { announceLevels, emit } from './announce-levels';
import { reservationJustChanged } from './find-reservation';
import type { InTransaction } from './inventory-deps';

export type ReleaseResult =
  /** `changed` is false when the reservation held nothing any more (released, expired or rejected before). */
  { ok: true; changed: boolean; reservation: Reservation } | { ok: false; reason: 'not-found' };

/**
 * The order failed or was cancelled, and "a Failed or Cancelled order holds no stock" (CONTRACT.md): held
 * units go back to available; units of a paid (committed) order go back on hand. Idempotent on the order.
 */
export async function releaseReservation(
  _ctx: HandlerContext,
  input: { orderId: string; reason: ReleaseReason },
  deps: InTransaction,
): Promise<ReleaseResult> {
  const { tx } = deps;
  const now = deps.clock();
  const { orderId, reason } = input;
  const change = { at: now, releaseReason: reason };

  if (await tx.stock.changeReservation(orderId, { ...reservationTransitions.releaseHeld, ...change })) {
    const reservation = await reservationJustChanged(tx, orderId);
    await tx.stock.releaseLines(reservation.lines, now);
    for (const line of reservation.lines) await announceLevels(tx, deps, line.productId, line.quantity, now);
    await emit(tx, stockReleased(reservation, reason, now));
    return { ok: true, changed: true, reservation };
  }

  if (await tx.stock.changeReservation(orderId, { ...reservationTransitions.restockCommitted, ...change })) {
    const reservation = await reservationJustChanged(tx, orderId);
    await tx.stock.restockLines(reservation.lines, now);
    for (const line of reservation.lines) await announceLevels(tx, deps, line.productId, line.quantity, now);
    await emit(tx, stockReleased(reservation, reason, now));
    return { ok: true, changed: true, reservation };
  }

  const reservation = await tx.stock.findReservation(orderId);
  if (!reservation) return { ok: false, reason: 'not-found' };
  if (holdsStock(reservation.status) || reservation.status === 'committed') {
    // Not in that status when the UPDATEs ran: it committed or was paid in between. The retry releases it.
    throw new Error(`reservation of order ${orderId} changed during release; retry`);
  }
  return { ok: true, changed: false, reservation };
}
