import {
  type DeclineReason,
  newEvent,
  type OutgoingEvent,
  PaymentFailed,
  PaymentRefunded,
  PaymentSucceeded,
} from '@shop/contracts';
import type { Payment } from './payment';
import type { Refund } from './refund';

/** An event ready for the outbox: its topic and its envelope. Payloads carry the last four digits at most. */
export type PaymentEvent<T = unknown> = OutgoingEvent<T>;

export function paymentSucceeded(payment: Payment, cardLast4: string, at: Date): PaymentEvent<PaymentSucceeded> {
  return newEvent(
    PaymentSucceeded,
    {
      orderId: payment.orderId,
      paymentId: payment.id,
      amount: payment.amount,
      cardLast4,
      capturedAt: at.toISOString(),
    },
    at,
  );
}

export function paymentFailed(payment: Payment, reason: DeclineReason, at: Date): PaymentEvent<PaymentFailed> {
  return newEvent(
    PaymentFailed,
    { orderId: payment.orderId, paymentId: payment.id, reason, failedAt: at.toISOString() },
    at,
  );
}

/** `refundedTotal` is everything refunded on the payment so far, this refund included. */
export function paymentRefunded(refund: Refund, refundedTotal: number, at: Date): PaymentEvent<PaymentRefunded> {
  return newEvent(
    PaymentRefunded,
    {
      orderId: refund.orderId,
      paymentId: refund.paymentId,
      refundId: refund.id,
      amount: refund.amount,
      refundedTotal: { amount: refundedTotal, currency: refund.amount.currency },
      reason: refund.reason,
      refundedAt: at.toISOString(),
    },
    at,
  );
}
