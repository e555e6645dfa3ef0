import Joi from 'joi';
import { maxReservationTtlSeconds } from '../config';
import { inventoryLimits } from '../domain/limits';
import { reservationStatuses } from '../domain/reservation';
import { maxOnHand } from '../domain/stock-levels';
import { orderId, productId } from '../ids';

export const quantity = Joi.number().integer().min(1).max(maxOnHand);

export const productIdParams = Joi.object({ productId: productId.required() });
export const orderIdParams = Joi.object({ orderId: orderId.required() });

export const levelsBody = Joi.object({
  productId: productId.required(),
  onHand: Joi.number().integer().required(),
  reserved: Joi.number().integer().required(),
  available: Joi.number().integer().required(),
});

export const adjustmentRequest = Joi.object({
  delta: Joi.number().integer().min(-maxOnHand).max(maxOnHand).invalid(0).required(),
  reason: Joi.string().trim().min(1).max(inventoryLimits.adjustmentReasonLength).required(),
});

export const idempotencyHeaders = Joi.object({
  'idempotency-key': Joi.string().max(255).description('Replays the first response for the same key and body'),
});

export const reservationLine = Joi.object({ productId: productId.required(), quantity: quantity.required() });

export const reservationRequest = Joi.object({
  orderId: orderId.required(),
  lines: Joi.array().items(reservationLine).min(1).max(100).required(),
  ttlSeconds: Joi.number().integer().min(1).max(maxReservationTtlSeconds),
});

export const releaseRequest = Joi.object({
  reason: Joi.string().valid('order-failed', 'order-cancelled', 'requested').default('requested'),
}).default({});

const shortage = Joi.object({
  productId: Joi.string().required(),
  requested: Joi.number().integer().required(),
  available: Joi.number().integer().required(),
});

export const reservationBody = Joi.object({
  id: Joi.string().guid().required(),
  orderId: Joi.string().required(),
  status: Joi.string()
    .valid(...reservationStatuses)
    .required()
    .description('held-for-review: held without expiry while its order is in fraud review, until the order ends'),
  lines: Joi.array().items(reservationLine).required(),
  expiresAt: Joi.string().isoDate().required().description('When a held reservation expires (not one held for review)'),
  releaseReason: Joi.string().valid('expired', 'order-failed', 'order-cancelled', 'requested'),
  rejection: Joi.object({
    reason: Joi.string().valid('insufficient-stock', 'unknown-product').required(),
    shortages: Joi.array().items(shortage).required(),
  }),
  createdAt: Joi.string().isoDate().required(),
  updatedAt: Joi.string().isoDate().required(),
});

export const stockListQuery = Joi.object({
  lowStock: Joi.boolean().default(false).description('Only items at or below the low-stock threshold'),
  limit: Joi.number().integer().min(1).max(100).default(20),
  cursor: Joi.string().max(200),
});

export const stockListBody = Joi.object({
  items: Joi.array().items(
    levelsBody.keys({
      version: Joi.number().integer().required(),
      discontinued: Joi.boolean().required(),
      updatedAt: Joi.string().isoDate().required(),
    }),
  ),
  nextCursor: Joi.string().allow(null).required(),
});
