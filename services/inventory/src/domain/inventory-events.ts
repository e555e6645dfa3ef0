import {
  LowStock,
  newEvent,
  type OutgoingEvent,
  StockChanged,
  StockCommitted,
  type StockLevels,
  StockReleased,
  StockReservationFailed,
  StockReserved,
} from '@shop/contracts';
import type { Rejection, ReleaseReason, Reservation } from './reservation';
import { crossedLowStock, levelsOf, type StockItem } from './stock-levels';

/** An event ready for the outbox: the topic it goes to and its envelope. */
export type InventoryEvent<T = unknown> = OutgoingEvent<T>;

export function stockChanged(levels: StockLevels, version: number, at: Date): InventoryEvent<StockChanged> {
  return newEvent(StockChanged, { ...levels, version, at: at.toISOString() }, at);
}

/**
 * What a change of a product's levels announces, given the item as the change left it: its stock-changed with
 * the change's version, then a low-stock warning if the change took available through the threshold.
 */
export function levelAnnouncements(
  item: StockItem,
  availableChange: number,
  lowStockThreshold: number,
  at: Date,
): InventoryEvent[] {
  const levels = levelsOf(item);
  const announcements: InventoryEvent[] = [stockChanged(levels, item.version, at)];
  if (crossedLowStock(levels.available - availableChange, levels.available, lowStockThreshold)) {
    announcements.push(lowStock(item.productId, levels.available, lowStockThreshold, at));
  }
  return announcements;
}

export function lowStock(productId: string, available: number, threshold: number, at: Date): InventoryEvent<LowStock> {
  return newEvent(LowStock, { productId, available, threshold, at: at.toISOString() }, at);
}

export function stockReserved(reservation: Reservation, at: Date): InventoryEvent<StockReserved> {
  return newEvent(
    StockReserved,
    {
      orderId: reservation.orderId,
      reservationId: reservation.id,
      lines: reservation.lines,
      expiresAt: reservation.expiresAt.toISOString(),
    },
    at,
  );
}

export function stockReservationFailed(
  orderId: string,
  rejection: Rejection,
  at: Date,
): InventoryEvent<StockReservationFailed> {
  return newEvent(StockReservationFailed, { orderId, reason: rejection.reason, shortages: rejection.shortages }, at);
}

export function stockReleased(
  reservation: Reservation,
  reason: ReleaseReason,
  at: Date,
): InventoryEvent<StockReleased> {
  return newEvent(
    StockReleased,
    { orderId: reservation.orderId, reservationId: reservation.id, reason, lines: reservation.lines },
    at,
  );
}

export function stockCommitted(reservation: Reservation, at: Date): InventoryEvent<StockCommitted> {
  return newEvent(
    StockCommitted,
    { orderId: reservation.orderId, reservationId: reservation.id, lines: reservation.lines },
    at,
  );
}
