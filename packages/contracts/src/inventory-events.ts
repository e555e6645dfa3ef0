export interface StockLevels {
  productId: string;
  onHand: number;
  reserved: number;
  available: number;
}

/**
 * inventory.stock-changed, after every change of a product's levels. `version` increases by one with every
 * change of that product, so a consumer keeps the highest version it has seen and ignores older ones.
 */
export interface StockChanged extends StockLevels {
  version: number;
  at: string;
}

export interface ReservationLine {
  productId: string;
  quantity: number;
}

export interface StockReserved {
  orderId: string;
  reservationId: string;
  lines: ReservationLine[];
  expiresAt: string;
}

export interface Shortage {
  productId: string;
  requested: number;
  available: number;
}

export interface StockReservationFailed {
  orderId: string;
  reason: 'insufficient-stock' | 'unknown-product';
  shortages: Shortage[];
}

export interface StockReleased {
  orderId: string;
  reservationId: string;
  reason: 'expired' | 'order-failed' | 'order-cancelled' | 'requested';
  lines: ReservationLine[];
}

export interface StockCommitted {
  orderId: string;
  reservationId: string;
  lines: ReservationLine[];
}

export interface LowStock {
  productId: string;
  available: number;
  threshold: number;
  at: string;
}
