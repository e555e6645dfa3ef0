import type { DeclineReason } from '@shop/contracts';
import type { HandlerContext } from '@shop/kit';
import { authorizationKey, chargeableStatuses, type Payment, type PaymentStatus } from '../domain/payment';
import { paymentFailed, paymentSucceeded } from '../domain/payment-events';
import { claimOrderPayment } from './claim-order-payment';
import type { InTransaction, PaymentChanges } from './ports';

export type ChargeResult =
  | { outcome: 'captured'; payment: Payment }
  | { outcome: 'declined'; reason: DeclineReason }
  /** The order's payment is not recorded yet (placement has not opened it): try again later. */
  | { outcome: 'no-payment' }
  /** Authorized now, and not captured: the order is held for fraud review (orders.order-approved captures it). */
  | { outcome: 'held-for-review'; payment: Payment }
  /** Charged, declined or voided before, or still waiting for the review: nothing to do. */
  | { outcome: 'unchanged'; status: PaymentStatus };

/**
 * inventory.stock-reserved: authorizes and captures the order's payment, then announces payment-succeeded
 * or payment-failed. The payment is claimed first, so concurrent deliveries of the news (redeliveries under
 * other ids) wait for the first and then find it settled: the gateway is asked to capture once. Should this
 * transaction fail after the gateway acted, the retry reaches the same authorization and capture (both are
 * idempotent at the gateway), so the card is never charged twice.
 */
export async function chargePayment(
  ctx: HandlerContext,
  input: { orderId: string },
  deps: InTransaction,
): Promise<ChargeResult> {
  const { store } = deps;
  const claim = await claimOrderPayment(store, input.orderId, chargeableStatuses);
  if ('notYet' in claim) return store.rollbackWith({ outcome: 'no-payment' });
  if ('settled' in claim) return { outcome: 'unchanged', status: claim.settled };
  return chargeClaimed(ctx, { payment: claim.claimed }, deps);
}

/**
 * Authorizes (when pending) and captures a payment this transaction claimed. A payment whose order is held for
 * review stops at authorized: the money is reserved on the card, nothing is taken until the order is approved.
 */
export async function chargeClaimed(
  _ctx: HandlerContext,
  { payment }: { payment: Payment },
  deps: InTransaction,
): Promise<ChargeResult> {
  const { store } = deps;
  const move = async (from: PaymentStatus, to: PaymentStatus, changes: PaymentChanges = {}) => {
    if (!(await store.payments.move(payment.id, from, to, deps.clock.now(), changes))) {
      throw new Error(`payment ${payment.id} left ${from} while claimed`);
    }
  };

  let authorizationId = payment.authorizationId;
  let cardLast4 = payment.cardLast4;
  if (payment.status === 'pending') {
    const authorization = await deps.gateway.authorize({
      idempotencyKey: authorizationKey(payment),
      paymentMethodId: payment.paymentMethodId,
      amount: payment.amount,
    });
    if (!authorization.ok) {
      await move('pending', 'failed', { failureReason: authorization.reason });
      const event = paymentFailed(payment, authorization.reason, deps.clock.now());
      await store.outbox(event.topic, event.envelope);
      return { outcome: 'declined', reason: authorization.reason };
    }
    authorizationId = authorization.authorizationId;
    cardLast4 = authorization.card.last4;
    await move('pending', 'authorized', {
      authorizationId,
      cardBrand: payment.cardBrand ?? authorization.card.brand,
      cardLast4: payment.cardLast4 ?? authorization.card.last4,
    });
    if (payment.reviewRequired) return { outcome: 'held-for-review', payment: { ...payment, status: 'authorized' } };
  }
  if (payment.reviewRequired) return { outcome: 'unchanged', status: payment.status };

  if (!authorizationId) throw new Error(`payment ${payment.id} is authorized without an authorization id`);
  const capture = await deps.gateway.capture({ authorizationId, amount: payment.amount });
  if (!capture.ok) {
    // The authorization lapsed or was voided at the gateway: nothing was taken, and nothing will be.
    const reason: DeclineReason = 'processing-error';
    await move('authorized', 'failed', { failureReason: reason });
    const event = paymentFailed(payment, reason, deps.clock.now());
    await store.outbox(event.topic, event.envelope);
    return { outcome: 'declined', reason };
  }
  await move('authorized', 'captured', { captureId: capture.captureId });
  const now = deps.clock.now();
  const event = paymentSucceeded(payment, cardLast4 ?? '', now);
  await store.outbox(event.topic, event.envelope);
  return { outcome: 'captured', payment: { ...payment, status: 'captured', captureId: capture.captureId } };
}
