import type { HandlerContext } from '@shop/kit';
import { type Reservation, reservationTransitions } from '../domain/reservation';
import { reservationJustChanged } from './find-reservation';
import type { InTransaction } from './inventory-deps';

export type KeepForReviewResult =
  /** `changed` is false when it was kept already (a redelivered or repeated order-held). */
  | { ok: true; changed: boolean; reservation: Reservation }
  /** No reservation yet: the order's placement has not been handled here (events of two topics race). */
  | { ok: false; reason: 'not-found' }
  /** Rejected, released, expired or committed: it holds nothing that could expire. */
  | { ok: false; reason: 'not-held'; reservation: Reservation };

/**
 * The order went to fraud review: its held stock stops expiring, however long the review takes, and stays
 * reserved until the order ends (paid → commit, failed or cancelled → release). One conditional UPDATE from
 * `held`, so a sweeper expiring it at the same instant and this either both see the other's outcome or lose.
 * Nothing is published: the levels do not change.
 */
export async function keepReservationForReview(
  _ctx: HandlerContext,
  input: { orderId: string },
  deps: InTransaction,
): Promise<KeepForReviewResult> {
  const { tx } = deps;
  const now = deps.clock();
  if (await tx.stock.changeReservation(input.orderId, { ...reservationTransitions.keepForReview, at: now })) {
    return { ok: true, changed: true, reservation: await reservationJustChanged(tx, input.orderId) };
  }
  const reservation = await tx.stock.findReservation(input.orderId);
  if (!reservation) return { ok: false, reason: 'not-found' };
  switch (reservation.status) {
    case 'held-for-review':
      return { ok: true, changed: false, reservation };
    case 'held':
      // Not there when the UPDATE ran, committed since (its placement's transaction ended in between): retry.
      throw new Error(`reservation of order ${input.orderId} appeared during keep-for-review; retry`);
    default:
      return { ok: false, reason: 'not-held', reservation };
  }
}
