import { type ReviewThresholdsConfig, reviewThresholdsConfig } from '@shop/contracts';
import Joi from 'joi';

export const ordersConfigSchema = Joi.object({
  /** How many outbox rows the relay publishes per round trip. */
  ORDERS_OUTBOX_BATCH_SIZE: Joi.number().integer().min(1).max(1000).default(100),
  /** How long placement waits for the fraud scorer before it scores by the contract's rules alone. */
  FRAUD_SCORER_TIMEOUT_MS: Joi.number().integer().min(1).max(10_000).default(300),
  // FRAUD_REVIEW_SCORE, FRAUD_REVIEW_TOTAL, FRAUD_VELOCITY_LIMIT: the fraud service reads the same keys.
  ...reviewThresholdsConfig,
});

export interface OrdersConfig extends ReviewThresholdsConfig {
  ORDERS_OUTBOX_BATCH_SIZE: number;
  FRAUD_SCORER_TIMEOUT_MS: number;
}
