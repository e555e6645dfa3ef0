import Joi from 'joi';
import { cardNumberDigits, expYearRange } from '../domain/card';
import { paymentsLimits } from '../domain/limits';
import type { Payment } from '../domain/payment';
import type { Refund } from '../domain/refund';

export const money = Joi.object({
  amount: Joi.number().integer().min(0).max(Number.MAX_SAFE_INTEGER).required().description('integer minor units'),
  currency: Joi.string()
    .pattern(/^[A-Z]{3}$/)
    .required()
    .messages({ 'string.pattern.base': 'must be an ISO 4217 code such as EUR' }),
});

/**
 * Only types and sizes here: the card rules (digits, Luhn, expiry, CVC) live in the gateway, and no message
 * repeats a value (Joi's pattern messages would: they quote it, and the value is a card number).
 */
export const cardBody = Joi.object({
  cardNumber: Joi.string()
    .max(40)
    .required()
    .description(`${cardNumberDigits.min} to ${cardNumberDigits.max} digits; spaces and dashes between groups are fine`)
    .messages({ 'string.base': 'must be a string of digits' }),
  // Ranges are the gateway's checks too, so that a bad month and a bad number are named in the same answer.
  expMonth: Joi.number().integer().required().description('1 to 12'),
  expYear: Joi.number().integer().required().description(`four digits, ${expYearRange.min} to ${expYearRange.max}`),
  cvc: Joi.string()
    .max(8)
    .required()
    .description('3 or 4 digits')
    .messages({ 'string.base': 'must be a string of digits' }),
});

export const vaultedCardView = Joi.object({
  paymentMethodId: Joi.string().uuid(),
  brand: Joi.string(),
  last4: Joi.string().length(4),
  expMonth: Joi.number().integer(),
  expYear: Joi.number().integer(),
  expiresAt: Joi.string().isoDate().description('the token is refused after this instant'),
  fingerprint: Joi.string().description(
    'the same for every vaulting of one card number: HMAC-SHA256 of its digits under the payments secret, base64url',
  ),
  country: Joi.string()
    .length(2)
    .description('the issuing country (ISO 3166-1 alpha-2), for the test cards of docs/api.md; absent when unknown'),
});

const moneyView = Joi.object({ amount: Joi.number().integer(), currency: Joi.string() });

export const paymentView = Joi.object({
  id: Joi.string().uuid(),
  orderId: Joi.string(),
  customerId: Joi.string(),
  status: Joi.string().valid('pending', 'authorized', 'captured', 'partially_refunded', 'refunded', 'voided', 'failed'),
  amount: moneyView,
  refundedAmount: moneyView,
  cardLast4: Joi.string().allow(null),
  cardBrand: Joi.string().allow(null),
  failureReason: Joi.string(),
  createdAt: Joi.string().isoDate(),
  updatedAt: Joi.string().isoDate(),
});

export const refundView = Joi.object({
  id: Joi.string(),
  paymentId: Joi.string().uuid(),
  orderId: Joi.string(),
  amount: moneyView,
  reason: Joi.string(),
  status: Joi.string().valid('succeeded'),
  createdAt: Joi.string().isoDate(),
});

export const paymentDetailView = paymentView.keys({ refunds: Joi.array().items(refundView) });

export const paymentPage = Joi.object({ items: Joi.array().items(paymentView), nextCursor: Joi.string().allow(null) });

export const idParams = Joi.object({ id: Joi.string().uuid().required() });

export const listQuery = Joi.object({
  orderId: Joi.string().uuid(),
  limit: Joi.number().integer().min(1).max(100).default(20),
  cursor: Joi.string().max(200),
});

export const refundBody = Joi.object({
  amount: money.keys({ amount: Joi.number().integer().min(1).max(Number.MAX_SAFE_INTEGER).required() }).required(),
  reason: Joi.string().trim().min(1).max(paymentsLimits.refundReasonLength).required(),
});

export function toPaymentView(payment: Payment) {
  return {
    id: payment.id,
    orderId: payment.orderId,
    customerId: payment.customerId,
    status: payment.status,
    amount: payment.amount,
    refundedAmount: { amount: payment.refundedAmount, currency: payment.amount.currency },
    cardLast4: payment.cardLast4,
    cardBrand: payment.cardBrand,
    ...(payment.failureReason ? { failureReason: payment.failureReason } : {}),
    createdAt: payment.createdAt.toISOString(),
    updatedAt: payment.updatedAt.toISOString(),
  };
}

export function toRefundView(refund: Refund) {
  return {
    id: refund.id,
    paymentId: refund.paymentId,
    orderId: refund.orderId,
    amount: refund.amount,
    reason: refund.reason,
    // Refunds are recorded once the gateway has made them; a real provider's asynchronous ones would add states.
    status: 'succeeded' as const,
    createdAt: refund.createdAt.toISOString(),
  };
}
