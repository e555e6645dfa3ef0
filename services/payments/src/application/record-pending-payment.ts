import { randomUUID } from 'node:crypto';
import type { Money } from '@shop/contracts';
import type { HandlerContext } from '@shop/kit';
import type { Payment } from '../domain/payment';
import type { InTransaction } from './ports';

export interface RecordPendingPayment {
  orderId: string;
  customerId: string;
  total: Money;
  paymentMethodId: string;
  /**
   * The order is held for fraud review: authorize, but capture only once it is approved. Undefined: a payment found
   * is left as it is, a new one is not held.
   */
  review?: boolean;
}

export type RecordPendingResult =
  | { outcome: 'recorded'; payment: Payment }
  | { outcome: 'duplicate' }
  | { outcome: 'conflict'; existing: Payment };

/** A retried placement opens the payment it opened before: same order, customer and amount. */
function sameOrder(payment: Payment, input: RecordPendingPayment): boolean {
  return (
    payment.customerId === input.customerId &&
    payment.amount.amount === input.total.amount &&
    payment.amount.currency === input.total.currency
  );
}

/**
 * The order's payment, pending until its stock is reserved, opened by placement before the order is announced. One
 * per order: a retried placement finds it and records nothing; another customer or amount under the same order id is
 * a conflict (the id was fixed by an Idempotency-Key reused for a different order) and changes nothing.
 */
export async function recordPendingPayment(
  _ctx: HandlerContext,
  input: RecordPendingPayment,
  deps: InTransaction,
): Promise<RecordPendingResult> {
  const { store } = deps;
  const existing = await store.payments.byOrderId(input.orderId);
  if (existing && !sameOrder(existing, input)) return { outcome: 'conflict', existing };
  if (existing) {
    // A retried placement may have scored the order anew (the scorer answered this time): its answer counts, as
    // long as nothing was charged, which cannot have happened before the order was recorded and announced.
    if (input.review !== undefined && existing.reviewRequired !== input.review) {
      await store.payments.setReviewRequired(input.orderId, input.review, ['pending'], deps.clock.now());
    }
    return { outcome: 'duplicate' };
  }
  // Unknown or expired tokens are recorded all the same: the authorization declines them, and the saga hears
  // of it at the step where it expects to.
  const card = await deps.gateway.describe(input.paymentMethodId);
  const now = deps.clock.now();
  const payment: Payment = {
    id: randomUUID(),
    orderId: input.orderId,
    customerId: input.customerId,
    status: 'pending',
    amount: input.total,
    refundedAmount: 0,
    paymentMethodId: input.paymentMethodId,
    cardBrand: card?.brand ?? null,
    cardLast4: card?.last4 ?? null,
    authorizationId: null,
    captureId: null,
    failureReason: null,
    reviewRequired: input.review ?? false,
    createdAt: now,
    updatedAt: now,
  };
  if (!(await store.payments.insert(payment))) return store.rollbackWith({ outcome: 'duplicate' });
  return { outcome: 'recorded', payment };
}
