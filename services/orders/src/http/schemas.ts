import { cardRequest, failureReasons, orderLimits, riskReasons, shippingAddressRequest } from '@shop/contracts';
import Joi from 'joi';
import { reviewLimits } from '../domain/order';

export const orderStatuses = ['Pending', 'OnHold', 'Paid', 'Shipped', 'Delivered', 'Failed', 'Cancelled'] as const;

const money = Joi.object({ amount: Joi.number().integer(), currency: Joi.string() });

export const placeOrderBody = Joi.object({
  items: Joi.array()
    .items(
      Joi.object({
        productId: Joi.string().uuid().required(),
        quantity: Joi.number().integer().min(1).max(orderLimits.maxQuantity).required(),
      }),
    )
    .min(1)
    .max(orderLimits.maxLines)
    .required(),
  shippingAddress: shippingAddressRequest.required(),
  payment: cardRequest.required(),
});

export const orderView = Joi.object({
  id: Joi.string().uuid(),
  customerId: Joi.string().uuid(),
  status: Joi.string().valid(...orderStatuses),
  items: Joi.array().items(
    Joi.object({ productId: Joi.string().uuid(), quantity: Joi.number().integer(), unitPrice: money }),
  ),
  total: money,
  shippingAddress: Joi.object(),
  cardLast4: Joi.string(),
  failureReason: Joi.string().valid(...failureReasons),
  trackingNumber: Joi.string(),
  riskScore: Joi.number().integer().min(0).max(100).description('admins only: the fraud score at placement'),
  riskReasons: Joi.array()
    .items(Joi.string().valid(...riskReasons))
    .description('admins only: why the order scored what it did'),
  review: Joi.object({
    decision: Joi.string().valid('approve', 'reject'),
    note: Joi.string(),
    reviewerId: Joi.string(),
    at: Joi.string().isoDate(),
  }).description('admins only: the review of a held order'),
  createdAt: Joi.string().isoDate(),
  updatedAt: Joi.string().isoDate(),
});

export const orderIdParams = Joi.object({ id: Joi.string().uuid().required() });

export const reviewBody = Joi.object({
  decision: Joi.string().valid('approve', 'reject').required(),
  note: Joi.string().trim().max(reviewLimits.reviewNoteLength).allow(''),
});
