import type { EventEnvelope } from '@shop/contracts';
import type { KeysetPage } from '@shop/kit';
import type { InventoryEvent } from '../domain/inventory-events';
import type { Rejection, ReleaseReason, Reservation, ReservationLine, ReservationStatus } from '../domain/reservation';
import type { StockItem } from '../domain/stock-levels';

/** A status change and the fields that change with it. */
export interface ReservationChange {
  from: readonly ReservationStatus[];
  to: ReservationStatus;
  at: Date;
  releaseReason?: ReleaseReason;
  rejection?: Rejection;
  /** Only if the reservation expired at or before this instant (the expiry sweep). */
  expiredBy?: Date;
}

export interface StockAdjustment {
  id: string;
  productId: string;
  delta: number;
  reason: string;
  actorId: string | null;
  onHandAfter: number;
  at: Date;
}

/** What a reservation announces when every line of it was reserved. */
export interface ReservationAnnouncement {
  /** inventory.low-stock goes out for a line whose available fell from above this to at or below it. */
  lowStockThreshold: number;
  /** inventory.stock-reserved, written after the lines' stock-changed (and low-stock) events. */
  reserved: InventoryEvent;
}

export interface StockListQuery {
  /** Only items whose available quantity is at most this. */
  maxAvailable?: number;
  /** Keyset pagination: items after this product id. */
  afterProductId?: string;
  limit: number;
}

/** The order already has a reservation: a concurrent request for it committed first. Retry to read it. */
export class ReservationExistsError extends Error {
  constructor(readonly orderId: string) {
    super(`order ${orderId} already has a reservation`);
    this.name = 'ReservationExistsError';
  }
}

/**
 * Where stock items and reservations live. Every counter change is one conditional UPDATE whose WHERE clause
 * carries the invariant (available >= 0, reserved <= onHand); the answer says whether it held. Nothing here
 * reads a counter to write it back.
 */
export interface StockStore {
  findItem(productId: string): Promise<StockItem | undefined>;
  /** Inserts the item unless the product already has one; answers whether it did. */
  insertItem(item: StockItem): Promise<boolean>;
  /** onHand += delta if onHand + delta stays between reserved and maxOnHand; answers whether it did. */
  adjustOnHand(productId: string, delta: number, at: Date): Promise<boolean>;
  /**
   * reserved += quantity for every line if each product has that much available and is not discontinued, for
   * none otherwise. Answers the lines that fell short (empty when all were reserved). When all were reserved,
   * the transaction's outbox also gets each line's stock-changed with the levels its UPDATE left (with
   * low-stock where available crossed the threshold), then `announcement.reserved`; when not, none of them.
   * Writing them here lets a store write them in the UPDATE's own statement, so that nothing but the COMMIT
   * runs while a hot product's row is locked.
   */
  reserveLines(lines: ReservationLine[], at: Date, announcement: ReservationAnnouncement): Promise<ReservationLine[]>;
  /** onHand -= quantity for every line if each product has that much available, for none otherwise. */
  takeLines(lines: ReservationLine[], at: Date): Promise<ReservationLine[]>;
  /** Gives held units back: reserved -= quantity. */
  releaseLines(lines: ReservationLine[], at: Date): Promise<void>;
  /** Held units leave the shelf: onHand -= quantity and reserved -= quantity. */
  commitLines(lines: ReservationLine[], at: Date): Promise<void>;
  /** Units come back on the shelf: onHand += quantity. */
  restockLines(lines: ReservationLine[], at: Date): Promise<void>;
  /** Marks the item discontinued unless it already is; answers whether it did. */
  discontinue(productId: string, at: Date): Promise<boolean>;
  /** A page by product id, with the item the next page starts after when there is one. */
  listItems(query: StockListQuery): Promise<KeysetPage<StockItem>>;
  recordAdjustment(adjustment: StockAdjustment): Promise<void>;

  findReservation(orderId: string): Promise<Reservation | undefined>;
  /**
   * Inserts the order's reservation unless the order has one already, and then answers that one. Throws
   * ReservationExistsError when a concurrent twin's insert won in a way this transaction cannot recover from
   * (a unique violation on PostgreSQL aborts it): run it again.
   */
  insertReservation(reservation: Reservation): Promise<{ inserted: true } | { existing: Reservation }>;
  /** Applies the change if the reservation is still in one of `change.from`; answers whether it did. */
  changeReservation(orderId: string, change: ReservationChange): Promise<boolean>;
  /** Held reservations whose expiry is at or before `now`, the longest expired first. */
  findExpired(now: Date, limit: number): Promise<Reservation[]>;
}

/** One transaction of the inventory database, as use cases see it: the stock store acting in it, and its outbox. */
export interface InventoryTx {
  stock: StockStore;
  /** Publishes the event once the transaction commits (transactional outbox). */
  outbox(topic: string, event: EventEnvelope): Promise<void>;
  /** Rolls the transaction back but still answers `value`: a business failure is a value, not an exception. */
  rollbackWith<V>(value: V): V;
}
