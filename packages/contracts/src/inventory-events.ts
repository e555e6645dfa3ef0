import Joi from 'joi';
import { eventContract } from './event-contract';
import { count, instant, uuid } from './schema-parts';
import { topics } from './topics';

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

/**
 * Versions start at 1 (a stock item is opened with version 1 and every change adds one), so 0 is never
 * published; up to PostgreSQL's integer column.
 */
const version = Joi.number().integer().min(1).max(2_147_483_647);
const quantity = Joi.number().integer().min(1);
const lines = Joi.array()
  .items(Joi.object<ReservationLine, true>({ productId: uuid.required(), quantity: quantity.required() }))
  .min(1);
// Inventory takes order ids as another service shaped them (UUIDs from orders); it stores at most 36 characters.
const orderId = Joi.string()
  .max(36)
  .pattern(/^[A-Za-z0-9._:-]+$/);
const levels = {
  productId: uuid.required(),
  onHand: count.required(),
  reserved: count.required(),
  // onHand - reserved: never below zero while on_hand >= reserved holds (a CHECK constraint).
  available: count.required(),
};

export const StockChanged = eventContract<StockChanged>(
  topics.stockChanged,
  Joi.object<StockChanged, true>({ ...levels, version: version.required(), at: instant.required() }),
);

export const StockReserved = eventContract<StockReserved>(
  topics.stockReserved,
  Joi.object<StockReserved, true>({
    orderId: orderId.required(),
    reservationId: uuid.required(),
    lines: lines.required(),
    expiresAt: instant.required(),
  }),
);

export const StockReservationFailed = eventContract<StockReservationFailed>(
  topics.stockReservationFailed,
  Joi.object<StockReservationFailed, true>({
    orderId: orderId.required(),
    reason: Joi.string().valid('insufficient-stock', 'unknown-product').required(),
    shortages: Joi.array()
      .items(
        Joi.object<Shortage, true>({
          // An unknown product is named as the order named it.
          productId: Joi.string().min(1).max(36).required(),
          requested: quantity.required(),
          available: count.required(),
        }),
      )
      .required(),
  }),
);

export const StockReleased = eventContract<StockReleased>(
  topics.stockReleased,
  Joi.object<StockReleased, true>({
    orderId: orderId.required(),
    reservationId: uuid.required(),
    reason: Joi.string().valid('expired', 'order-failed', 'order-cancelled', 'requested').required(),
    lines: lines.required(),
  }),
);

export const StockCommitted = eventContract<StockCommitted>(
  topics.stockCommitted,
  Joi.object<StockCommitted, true>({
    orderId: orderId.required(),
    reservationId: uuid.required(),
    lines: lines.required(),
  }),
);

export const LowStock = eventContract<LowStock>(
  topics.lowStock,
  Joi.object<LowStock, true>({
    productId: uuid.required(),
    available: count.required(),
    threshold: count.required(),
    at: instant.required(),
  }),
);
