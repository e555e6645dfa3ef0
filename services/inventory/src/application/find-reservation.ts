import type { Tx } from '@shop/kit';
import type { Reservation } from '../domain/reservation';
import type { InventoryDeps } from './inventory-deps';

/** The reservation a status change in this same transaction just moved: it cannot be missing. */
export async function reservationJustChanged(tx: Tx, deps: InventoryDeps, orderId: string): Promise<Reservation> {
  const reservation = await deps.store.findReservation(tx, orderId);
  if (!reservation) throw new Error(`reservation of order ${orderId} vanished inside its own transaction`);
  return reservation;
}
