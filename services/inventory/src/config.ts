import Joi from 'joi';
import { maxOnHand } from './domain/stock-levels';

/** The inventory's own environment variables (the host's are validated by the kit). */
export interface InventoryConfig {
  /** How long a reservation holds stock when the caller does not say. */
  RESERVATION_TTL_SECONDS: number;
  /** How often the expiry sweep looks for reservations past their TTL. */
  RESERVATION_SWEEP_INTERVAL_MS: number;
  /** Reservations expired per sweep transaction batch. */
  RESERVATION_SWEEP_BATCH_SIZE: number;
  /** `inventory.low-stock` fires when available falls from above this to at or below it. */
  LOW_STOCK_THRESHOLD: number;
}

export const maxReservationTtlSeconds = 7 * 24 * 60 * 60;

export const inventoryConfigSchema = Joi.object<InventoryConfig>({
  RESERVATION_TTL_SECONDS: Joi.number().integer().min(1).max(maxReservationTtlSeconds).default(900),
  RESERVATION_SWEEP_INTERVAL_MS: Joi.number().integer().min(10).max(3_600_000).default(5_000),
  RESERVATION_SWEEP_BATCH_SIZE: Joi.number().integer().min(1).max(10_000).default(100),
  LOW_STOCK_THRESHOLD: Joi.number().integer().min(0).max(maxOnHand).default(5),
});
