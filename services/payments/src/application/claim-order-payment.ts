import type { Payment, PaymentStatus } from '../domain/payment';
import type { PaymentStore } from './ports';

export type OrderPaymentClaim =
  /** Taken for this transaction. */
  | { claimed: Payment }
  /** Not recorded yet (placement has not opened it): the event is early, redeliver it. */
  | { notYet: true }
  /** In a status the step does not act on: the order's money moved on already. */
  | { settled: PaymentStatus };

/**
 * Takes the order's payment for a saga step when it is in one of `statuses`. A payment found in one of them
 * right after the claim missed it was committed in between (a placement's opening racing this event): that is "not
 * there yet", never "settled", or the order would wait for this step forever.
 */
export async function claimOrderPayment(
  store: PaymentStore,
  orderId: string,
  statuses: readonly PaymentStatus[],
): Promise<OrderPaymentClaim> {
  const claimed = await store.payments.claim(orderId, statuses);
  if (claimed) return { claimed };
  const existing = await store.payments.byOrderId(orderId);
  if (!existing || statuses.includes(existing.status)) return { notYet: true };
  return { settled: existing.status };
}
