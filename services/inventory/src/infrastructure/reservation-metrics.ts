import { counterIn } from '@shop/kit';
import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { StockStore } from '../application/stock-store';
import type { ReservationStatus } from '../domain/reservation';

type Outcome = 'made' | 'failed' | 'expired' | 'committed' | 'released' | 'kept-for-review';

const outcomeOf: Record<ReservationStatus, Outcome | undefined> = {
  held: undefined,
  rejected: 'failed',
  expired: 'expired',
  committed: 'committed',
  released: 'released',
  'held-for-review': 'kept-for-review',
};

const counters = new WeakMap<DataSource, (outcome: Outcome) => void>();

/**
 * `inventory_reservations_total{outcome}` for the reservations of this database: `made` (stock held for an order),
 * `failed` (refused for want of stock), `expired` (the TTL passed before payment), `committed`, `released`,
 * `kept-for-review`. Counted where the store writes them (see countedReservations).
 */
export function countReservationsOf(dataSource: DataSource, registry: Registry): void {
  const reservations = counterIn(registry, {
    name: 'inventory_reservations_total',
    help: 'Reservations by outcome: made, failed (short of stock), expired, committed, released, kept-for-review',
    labelNames: ['outcome'] as const,
  });
  counters.set(dataSource, (outcome) => reservations.inc({ outcome }));
}

/**
 * The store, counting the reservations it holds stock for and moves on the counter set up for its database (none in a
 * test that set none up). A change whose transaction then fails to commit is still counted (rare: the change is
 * among the transaction's last statements).
 */
export function countedReservations(stock: StockStore, dataSource: DataSource): StockStore {
  const count = counters.get(dataSource);
  if (!count) return stock;
  return {
    ...stock,
    // Held for the order only once every line's units are held: a reservation refused for want of stock is
    // inserted too, and then moved to rejected (counted as failed).
    async reserveLines(lines, at, announcement) {
      const short = await stock.reserveLines(lines, at, announcement);
      if (short.length === 0) count('made');
      return short;
    },
    async changeReservation(orderId, change) {
      const changed = await stock.changeReservation(orderId, change);
      const outcome = outcomeOf[change.to];
      if (changed && outcome) count(outcome);
      return changed;
    },
  };
}
