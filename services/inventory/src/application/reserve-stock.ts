import { randomUUID } from 'node:crypto';
import type { HandlerContext } from '@shop/kit';
import { stockReservationFailed, stockReserved } from '../domain/inventory-events';
import {
  expiryFrom,
  normalizeLines,
  type RejectionReason,
  type Reservation,
  type ReservationLine,
  reservationTransitions,
  type Shortage,
} from '../domain/reservation';
import { emit } from './announce-levels';
import type { InTransaction, WithTransactions } from './inventory-deps';
import { rejectionFor } from './shortages';
import { ReservationExistsError } from './stock-store';

export interface ReserveStock {
  orderId: string;
  lines: ReservationLine[];
  ttlSeconds: number;
}

export type ReserveResult =
  /** `created` is false when the order already held this reservation (a retry, a redelivered event). */
  | { ok: true; created: boolean; reservation: Reservation }
  | { ok: false; reason: RejectionReason; shortages: Shortage[]; reservation: Reservation };

/**
 * Reserves every line of an order or none, once per order. The caller owns the transaction, so a consumer
 * can run this inside the event intake's transaction and the inbox record, the stock and the events commit together.
 *
 * A refusal is not rolled back but recorded (status `rejected`) and published: asking again for the same
 * order answers the same refusal, and the order saga hears about it exactly as it hears about a success.
 * Throws ReservationExistsError when a concurrent request for the same order committed first; running it
 * again answers that one's outcome.
 */
export async function reserveStock(
  _ctx: HandlerContext,
  input: ReserveStock,
  deps: InTransaction,
): Promise<ReserveResult> {
  const { tx } = deps;
  const now = deps.clock();
  const lines = normalizeLines(input.lines);
  const reservation: Reservation = {
    id: randomUUID(),
    orderId: input.orderId,
    status: 'held',
    lines,
    expiresAt: expiryFrom(now, input.ttlSeconds),
    releaseReason: null,
    rejection: null,
    createdAt: now,
    updatedAt: now,
  };
  // The order's row goes in before any stock moves: a concurrent twin waits on its key, then finds it taken.
  const inserted = await tx.stock.insertReservation(reservation);
  if ('existing' in inserted) return outcomeOf(inserted.existing);

  const short = await tx.stock.reserveLines(lines, now, {
    lowStockThreshold: deps.lowStockThreshold,
    reserved: stockReserved(reservation, now),
  });
  if (short.length > 0) {
    const rejection = await rejectionFor(tx, short);
    await tx.stock.changeReservation(input.orderId, { ...reservationTransitions.reject, at: now, rejection });
    await emit(tx, stockReservationFailed(input.orderId, rejection, now));
    return { ok: false, ...rejection, reservation: { ...reservation, status: 'rejected', rejection } };
  }

  return { ok: true, created: true, reservation };
}

function outcomeOf(reservation: Reservation): ReserveResult {
  if (reservation.status === 'rejected' && reservation.rejection) {
    return { ok: false, ...reservation.rejection, reservation };
  }
  return { ok: true, created: false, reservation };
}

/**
 * `reserveStock` in a transaction of its own, for callers that have none (service invocation). When a
 * concurrent request for the same order committed first, the second run answers that one's outcome.
 */
export async function reserveStockInTransaction(
  ctx: HandlerContext,
  input: ReserveStock,
  { run, ...deps }: WithTransactions,
): Promise<ReserveResult> {
  try {
    return await run((tx) => reserveStock(ctx, input, { ...deps, tx }));
  } catch (error) {
    if (!(error instanceof ReservationExistsError)) throw error;
    return run((tx) => reserveStock(ctx, input, { ...deps, tx }));
  }
}
