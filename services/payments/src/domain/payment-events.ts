import { randomUUID } from 'node:crypto';
import {
  type DeclineReason,
  type EventEnvelope,
  type PaymentFailed,
  type PaymentRefunded,
  type PaymentSucceeded,
  type Topic,
  topics,
} from '@shop/contracts';
import type { Payment } from './payment';
import type { Refund } from './refund';

/** An event ready for the outbox: its topic and its envelope. Payloads carry the last four digits at most. */
export interface PaymentEvent<T = unknown> {
  topic: Topic;
  envelope: EventEnvelope<T>;
}

function event<T>(topic: Topic, data: T, at: Date): PaymentEvent<T> {
  return { topic, envelope: { id: randomUUID(), type: topic, occurredAt: at.toISOString(), data } };
}

export function paymentSucceeded(payment: Payment, cardLast4: string, at: Date): PaymentEvent<PaymentSucceeded> {
  return event(
    topics.paymentSucceeded,
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
  return event(
    topics.paymentFailed,
    { orderId: payment.orderId, paymentId: payment.id, reason, failedAt: at.toISOString() },
    at,
  );
}

/** `refundedTotal` is everything refunded on the payment so far, this refund included. */
export function paymentRefunded(refund: Refund, refundedTotal: number, at: Date): PaymentEvent<PaymentRefunded> {
  return event(
    topics.paymentRefunded,
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
