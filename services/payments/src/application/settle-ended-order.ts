import type { HandlerContext } from '@shop/kit';
import {
  authorizationKey,
  chargeableStatuses,
  type Payment,
  type PaymentStatus,
  refundableAmount,
  refundableStatuses,
} from '../domain/payment';
import { paymentSucceeded } from '../domain/payment-events';
import { type Refund, refundIdFor } from '../domain/refund';
import { claimOrderPayment } from './claim-order-payment';
import type { InTransaction, PaymentChanges } from './ports';
import { refundCaptured } from './refund-payment';

/** Why the order ended without being fulfilled; also the reason its refund carries, if money was taken. */
export type OrderEnding = 'stock-reservation-failed' | 'order-failed' | 'order-cancelled';

export type SettleResult =
  | { outcome: 'voided' }
  | { outcome: 'refunded'; refund: Refund }
  /** The order's payment is not recorded yet (placement has not opened it): try again later. */
  | { outcome: 'no-payment' }
  /** Voided, failed or refunded before, or nothing was left to give back. */
  | { outcome: 'unchanged'; status: PaymentStatus };

/**
 * The order ended (no stock, failed, cancelled): the customer keeps their money. A payment not charged yet is
 * voided, with any authorization the gateway holds for it; a captured one is refunded in full (what is left
 * after earlier partial refunds) and payments.payment-refunded announces it. Claiming the payment first means a
 * charge running at the same moment either finishes before (and is refunded here) or finds the payment voided.
 */
export async function settleEndedOrder(
  _ctx: HandlerContext,
  input: { orderId: string; ending: OrderEnding },
  deps: InTransaction,
): Promise<SettleResult> {
  const { store } = deps;
  const claim = await claimOrderPayment(store, input.orderId, [...chargeableStatuses, ...refundableStatuses]);
  if ('notYet' in claim) return store.rollbackWith({ outcome: 'no-payment' });
  if ('settled' in claim) return { outcome: 'unchanged', status: claim.settled };
  let payment: Payment = claim.claimed;
  const move = async (from: PaymentStatus, to: PaymentStatus, changes: PaymentChanges = {}) => {
    if (!(await store.payments.move(payment.id, from, to, deps.clock.now(), changes))) {
      throw new Error(`payment ${payment.id} left ${from} while claimed`);
    }
    payment = { ...payment, ...changes, status: to };
  };

  if (chargeableStatuses.includes(payment.status)) {
    // Even a pending payment may have an authorization at the gateway: a charge that crashed before committing.
    const voided = await deps.gateway.void({ idempotencyKey: authorizationKey(payment) });
    if (voided.ok) {
      await move(payment.status, 'voided');
      return { outcome: 'voided' };
    }
    // Such a charge even captured: the money was taken. Record the capture, then give the money back below.
    if (payment.status === 'pending') await move('pending', 'authorized', { authorizationId: voided.authorizationId });
    await move('authorized', 'captured', { captureId: voided.captureId });
    const event = paymentSucceeded(payment, payment.cardLast4 ?? '', deps.clock.now());
    await store.outbox(event.topic, event.envelope);
  }

  const remaining = refundableAmount(payment);
  if (remaining.amount === 0) return { outcome: 'unchanged', status: payment.status };
  const result = await refundCaptured(
    store,
    payment,
    { id: refundIdFor(`${payment.id}:${input.ending}`), amount: remaining, reason: input.ending },
    deps,
  );
  // We hold the payment, so only the gateway can refuse; an exception lets the mesh try again later.
  if (!result.ok) throw new Error(`refunding payment ${payment.id} failed: ${result.reason}`);
  return { outcome: 'refunded', refund: result.refund };
}
