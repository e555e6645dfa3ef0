import type { ReservationLine, Shortage, StockReleased, StockReservationFailed } from '@shop/contracts';

export type { ReservationLine, Shortage };

/**
 * The life of an order's reservation. `rejected` records a refusal so that asking again for the same order
 * answers the same refusal (idempotent on orderId) instead of reserving stock that arrived since.
 * `held-for-review` holds the stock as `held` does but never expires: its order went to fraud review
 * (`orders.order-held`), which may outlast any TTL, and the reservation ends with the order (commit when paid,
 * release when failed or cancelled), approved or not. Only `held` is in the expiry sweep's index and WHERE
 * clause, so a kept reservation costs the sweep nothing.
 */
export type ReservationStatus = 'held' | 'held-for-review' | 'committed' | 'released' | 'expired' | 'rejected';

/** Every status, for the API's schema. */
export const reservationStatuses: readonly ReservationStatus[] = [
  'held',
  'held-for-review',
  'committed',
  'released',
  'expired',
  'rejected',
];

/** The statuses in which a reservation holds units of stock (counted in `reserved`). */
export const holdingStatuses = ['held', 'held-for-review'] as const satisfies readonly ReservationStatus[];

export function holdsStock(status: ReservationStatus): boolean {
  return (holdingStatuses as readonly ReservationStatus[]).includes(status);
}

export type ReleaseReason = StockReleased['reason'];
export type RejectionReason = StockReservationFailed['reason'];

export interface Rejection {
  reason: RejectionReason;
  shortages: Shortage[];
}

export interface Reservation {
  id: string;
  orderId: string;
  status: ReservationStatus;
  lines: ReservationLine[];
  expiresAt: Date;
  /** Why a released or expired reservation gave its stock back. */
  releaseReason: ReleaseReason | null;
  /** Why a rejected reservation holds nothing. */
  rejection: Rejection | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Every status change there is, as data: each one is applied by a conditional UPDATE on the status, so
 * of two replicas (or a sweeper and a payment) racing for the same reservation exactly one wins.
 * - commit: the order was paid. An expired reservation may still commit if its stock is still available.
 * - release: the order failed or was cancelled; a committed one puts its units back on hand (restock).
 * - expire: the hold outlived its TTL (a hold kept for review never does).
 * - reject: some line could not be reserved; recorded in the transaction that tried.
 * - keepForReview: the order went to fraud review; the hold stops expiring.
 */
export const reservationTransitions = {
  commitHeld: { from: holdingStatuses, to: 'committed' },
  commitExpired: { from: ['expired'], to: 'committed' },
  releaseHeld: { from: holdingStatuses, to: 'released' },
  restockCommitted: { from: ['committed'], to: 'released' },
  expire: { from: ['held'], to: 'expired' },
  reject: { from: ['held'], to: 'rejected' },
  keepForReview: { from: ['held'], to: 'held-for-review' },
} as const satisfies Record<string, { from: readonly ReservationStatus[]; to: ReservationStatus }>;

/**
 * One line per product, quantities summed, ordered by product id. One conditional UPDATE per product; the
 * fixed order means two multi-line reservations lock their rows in the same order and never deadlock.
 */
export function normalizeLines(lines: readonly ReservationLine[]): ReservationLine[] {
  const quantities = new Map<string, number>();
  for (const line of lines) quantities.set(line.productId, (quantities.get(line.productId) ?? 0) + line.quantity);
  return [...quantities.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([productId, quantity]) => ({ productId, quantity }));
}

export function expiryFrom(now: Date, ttlSeconds: number): Date {
  return new Date(now.getTime() + ttlSeconds * 1000);
}
