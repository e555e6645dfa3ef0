import Joi from 'joi';
import { eventContract } from './event-contract';
import type { Money } from './money';
import { instant, money, uuid } from './schema-parts';
import { topics } from './topics';

export type DeclineReason =
  | 'card-declined'
  | 'insufficient-funds'
  | 'expired-card'
  | 'processing-error'
  /** Extension: the vaulted card's token expired (or was never issued) before the order was charged. */
  | 'payment-method-expired';

/** payments.payment-succeeded: the order's amount was authorized and captured. */
export interface PaymentSucceeded {
  orderId: string;
  paymentId: string;
  amount: Money;
  cardLast4: string;
  capturedAt: string;
}

/** payments.payment-failed: the card was declined; nothing was charged. */
export interface PaymentFailed {
  orderId: string;
  paymentId: string;
  reason: DeclineReason;
  failedAt: string;
}

/** payments.payment-refunded: part or all of a captured payment went back to the card. */
export interface PaymentRefunded {
  orderId: string;
  paymentId: string;
  refundId: string;
  amount: Money;
  /** Everything refunded on this payment so far, this refund included. */
  refundedTotal: Money;
  reason: string;
  refundedAt: string;
}

export const PaymentSucceeded = eventContract<PaymentSucceeded>(
  topics.paymentSucceeded,
  Joi.object<PaymentSucceeded, true>({
    orderId: uuid.required(),
    paymentId: uuid.required(),
    amount: money.required(),
    // Empty when the capture was found at the gateway after a crash and the card's digits were not kept.
    cardLast4: Joi.string()
      .pattern(/^\d{4}$/)
      .allow('')
      .required(),
    capturedAt: instant.required(),
  }),
);

export const PaymentFailed = eventContract<PaymentFailed>(
  topics.paymentFailed,
  Joi.object<PaymentFailed, true>({
    orderId: uuid.required(),
    paymentId: uuid.required(),
    reason: Joi.string()
      .valid('card-declined', 'insufficient-funds', 'expired-card', 'processing-error', 'payment-method-expired')
      .required(),
    failedAt: instant.required(),
  }),
);

export const PaymentRefunded = eventContract<PaymentRefunded>(
  topics.paymentRefunded,
  Joi.object<PaymentRefunded, true>({
    orderId: uuid.required(),
    paymentId: uuid.required(),
    refundId: uuid.required(),
    amount: money.required(),
    refundedTotal: money.required(),
    reason: Joi.string().min(1).max(200).required(),
    refundedAt: instant.required(),
  }),
);
