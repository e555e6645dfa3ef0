import { cursorId } from '@shop/kit';
import type { Reservation } from '../domain/reservation';
import { levelsOf, type StockItem } from '../domain/stock-levels';

/** A reservation as JSON: timestamps as ISO strings, the release or rejection only when there is one. */
export function reservationJson(reservation: Reservation) {
  return {
    id: reservation.id,
    orderId: reservation.orderId,
    status: reservation.status,
    lines: reservation.lines,
    expiresAt: reservation.expiresAt.toISOString(),
    ...(reservation.releaseReason ? { releaseReason: reservation.releaseReason } : {}),
    ...(reservation.rejection ? { rejection: reservation.rejection } : {}),
    createdAt: reservation.createdAt.toISOString(),
    updatedAt: reservation.updatedAt.toISOString(),
  };
}

/** A stock item as the admin list shows it: the public levels and what an operator needs besides. */
export function stockItemJson(item: StockItem) {
  return {
    ...levelsOf(item),
    version: item.version,
    discontinued: item.discontinuedAt !== null,
    updatedAt: item.updatedAt.toISOString(),
  };
}

/** Opaque list cursors: the last product id of the page, base64url so clients never parse them. */
export const stockCursor = {
  encode: (productId: string) => Buffer.from(productId, 'utf8').toString('base64url'),
  decode(cursor: string): string | undefined {
    return cursorId(Buffer.from(cursor, 'base64url').toString('utf8'));
  },
};
