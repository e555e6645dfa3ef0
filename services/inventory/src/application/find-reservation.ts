import type { Reservation } from '../domain/reservation';
import type { InventoryTx } from './stock-store';

/** The reservation a status change in this same transaction just moved: it cannot be missing. */
export async function reservationJustChanged(tx: InventoryTx, orderId: string): Promise<Reservation> {
  const reservation = await tx.stock.findReservation(orderId);
  if (!reservation) throw new Error(`reservation of order ${orderId} vanished inside its own transaction`);
  return reservation;
}
