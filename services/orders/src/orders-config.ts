import Joi from 'joi';

export const ordersConfigSchema = Joi.object({
  /** How many outbox rows the relay publishes per round trip. */
  ORDERS_OUTBOX_BATCH_SIZE: Joi.number().integer().min(1).max(1000).default(100),
});

export interface OrdersConfig {
  ORDERS_OUTBOX_BATCH_SIZE: number;
}
