import { randomUUID } from 'node:crypto';
import type { Money } from '@shop/contracts';
import type { Payment } from '../domain/payment';
import type { PaymentStore, PaymentsDeps } from './ports';

export interface RecordPendingPayment {
  orderId: string;
  customerId: string;
  total: Money;
  paymentMethodId: string;
}

export type RecordPendingResult = { outcome: 'recorded'; payment: Payment } | { outcome: 'duplicate' };

/**
 * orders.order-placed: the order's payment, pending until its stock is reserved. One per order: a second
 * order-placed for it (redelivered under another id) finds it and records nothing.
 */
export async function recordPendingPayment(
  store: PaymentStore,
  input: RecordPendingPayment,
  deps: PaymentsDeps,
): Promise<RecordPendingResult> {
  if (await store.payments.byOrderId(input.orderId)) return { outcome: 'duplicate' };
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
    createdAt: now,
    updatedAt: now,
  };
  if (!(await store.payments.insert(payment))) return store.rollbackWith({ outcome: 'duplicate' });
  return { outcome: 'recorded', payment };
}
