import type { Money } from '@shop/contracts';
import type { HandlerContext } from '@shop/kit';
import { type Payment, refundableAmount, refundableStatuses } from '../domain/payment';
import { paymentRefunded } from '../domain/payment-events';
import type { Refund } from '../domain/refund';
import type { GatewayRefundResult, InTransaction, PaymentStore, PaymentsDeps } from './ports';

export interface RefundPayment {
  paymentId: string;
  amount: Money;
  reason: string;
  /** Also the gateway's idempotency key (see refundIdFor). */
  refundId: string;
}

export type RefundResult =
  | { ok: true; refund: Refund; payment: Payment }
  | { ok: false; reason: 'not-found' }
  | { ok: false; reason: 'not-refundable'; payment: Payment }
  | { ok: false; reason: 'currency-mismatch'; payment: Payment }
  | { ok: false; reason: 'exceeds-refundable'; refundable: Money }
  | { ok: false; reason: 'gateway-refused'; detail: Extract<GatewayRefundResult, { ok: false }>['reason'] };

/** An admin gives part or all of a captured payment back. Failures roll everything back. */
export async function refundPayment(
  _ctx: HandlerContext,
  input: RefundPayment,
  deps: InTransaction,
): Promise<RefundResult> {
  const { store } = deps;
  const payment = await store.payments.byId(input.paymentId);
  if (!payment) return store.rollbackWith({ ok: false, reason: 'not-found' });
  if (!refundableStatuses.includes(payment.status)) {
    return store.rollbackWith({ ok: false, reason: 'not-refundable', payment });
  }
  if (input.amount.currency !== payment.amount.currency) {
    return store.rollbackWith({ ok: false, reason: 'currency-mismatch', payment });
  }
  return refundCaptured(store, payment, { id: input.refundId, amount: input.amount, reason: input.reason }, deps);
}

/**
 * Refunds `amount` of a captured payment: the refunded total grows first, in one conditional UPDATE that
 * cannot pass the captured amount however many refunds race (the read above may be stale; the UPDATE's WHERE
 * is not), then the gateway gives the money back, then the refund is recorded and announced.
 */
export async function refundCaptured(
  store: PaymentStore,
  payment: Payment,
  refund: { id: string; amount: Money; reason: string },
  deps: PaymentsDeps,
): Promise<RefundResult> {
  const now = deps.clock.now();
  if (!(await store.payments.addRefunded(payment.id, refund.amount, now))) {
    const current = (await store.payments.byId(payment.id)) ?? payment;
    return store.rollbackWith({ ok: false, reason: 'exceeds-refundable', refundable: refundableAmount(current) });
  }
  if (!payment.captureId) throw new Error(`payment ${payment.id} is ${payment.status} without a capture id`);
  const answer = await deps.gateway.refund({
    idempotencyKey: refund.id,
    captureId: payment.captureId,
    amount: refund.amount,
  });
  if (!answer.ok) return store.rollbackWith({ ok: false, reason: 'gateway-refused', detail: answer.reason });

  const record: Refund = {
    id: refund.id,
    paymentId: payment.id,
    orderId: payment.orderId,
    amount: refund.amount,
    reason: refund.reason,
    gatewayRefundId: answer.gatewayRefundId,
    createdAt: now,
  };
  await store.refunds.insert(record);
  const updated = await store.payments.byId(payment.id);
  if (!updated) throw new Error(`payment ${payment.id} vanished during its refund`);
  const event = paymentRefunded(record, updated.refundedAmount, now);
  await store.outbox(event.topic, event.envelope);
  return { ok: true, refund: record, payment: updated };
}
