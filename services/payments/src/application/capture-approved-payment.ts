import type { HandlerContext } from '@shop/kit';
import { chargeableStatuses } from '../domain/payment';
import { type ChargeResult, chargeClaimed } from './charge-payment';
import { claimOrderPayment } from './claim-order-payment';
import type { InTransaction } from './ports';

export type ApprovalResult =
  | ChargeResult
  /** Approved before its stock was reserved: the coming inventory.stock-reserved authorizes and captures it. */
  | { outcome: 'awaiting-stock' };

/**
 * orders.order-approved: an admin approved a held order. The payment is no longer waiting for review; if it was
 * authorized already (the stock was reserved while the order was held), it is captured now and
 * payments.payment-succeeded makes the order Paid. Idempotent: a redelivery finds it captured (settled) or, still
 * pending, with the flag already cleared.
 */
export async function captureApprovedPayment(
  ctx: HandlerContext,
  input: { orderId: string },
  deps: InTransaction,
): Promise<ApprovalResult> {
  const { store } = deps;
  const claim = await claimOrderPayment(store, input.orderId, chargeableStatuses);
  if ('notYet' in claim) return store.rollbackWith({ outcome: 'no-payment' });
  if ('settled' in claim) return { outcome: 'unchanged', status: claim.settled };
  const payment = { ...claim.claimed, reviewRequired: false };
  if (claim.claimed.reviewRequired) {
    await store.payments.setReviewRequired(input.orderId, false, chargeableStatuses, deps.clock.now());
  }
  if (payment.status === 'pending') return { outcome: 'awaiting-stock' };
  return chargeClaimed(ctx, { payment }, deps);
}
