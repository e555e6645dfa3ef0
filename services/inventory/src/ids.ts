import Joi from 'joi';
import { inventoryLimits } from './domain/limits';

// The ids the inventory accepts, from its routes and from events alike (both edges import them from here).

/** Product ids are UUIDs, stored lowercase as the catalog stores them, so any case finds the same item. */
export const productId = Joi.string().guid().lowercase();

/**
 * Order ids are UUIDs by the contract; service-to-service the inventory only insists on what it can store
 * and show safely, so a differently shaped id from another service is still served, never refused.
 */
export const orderId = Joi.string()
  .max(inventoryLimits.orderIdLength)
  .pattern(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : -');
