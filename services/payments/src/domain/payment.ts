import type { DeclineReason, Money } from '@shop/contracts';

export type PaymentStatus =
  | 'pending'
  | 'authorized'
  | 'captured'
  | 'partially_refunded'
  | 'refunded'
  | 'voided'
  | 'failed';

/**
 * The payment's life, as data: every status change is a conditional UPDATE from one of these edges, so a
 * duplicated or late event finds the payment moved on and changes nothing.
 *   pending → authorized → captured → partially_refunded → refunded (or captured → refunded at once)
 *   pending | authorized → voided (the order ended before it was charged)
 *   pending | authorized → failed (declined, or the authorization could not be captured)
 */
export const paymentTransitions: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  pending: ['authorized', 'voided', 'failed'],
  authorized: ['captured', 'voided', 'failed'],
  captured: ['partially_refunded', 'refunded'],
  partially_refunded: ['partially_refunded', 'refunded'],
  refunded: [],
  voided: [],
  failed: [],
};

/** Statuses in which the order's money has not been taken yet, and can still be. */
export const chargeableStatuses: readonly PaymentStatus[] = ['pending', 'authorized'];
/** Statuses in which money was taken and some of it has not gone back. */
export const refundableStatuses: readonly PaymentStatus[] = ['captured', 'partially_refunded'];

export function canMove(from: PaymentStatus, to: PaymentStatus): boolean {
  return paymentTransitions[from].includes(to);
}

/** One order's payment: one per order (a unique index on order_id). Amounts are minor units in `amount.currency`. */
export interface Payment {
  id: string;
  orderId: string;
  customerId: string;
  status: PaymentStatus;
  amount: Money;
  /** Minor units refunded so far, in `amount.currency`; never more than `amount.amount`. */
  refundedAmount: number;
  /** The vaulted card's token at the gateway; never the card. */
  paymentMethodId: string;
  cardBrand: string | null;
  cardLast4: string | null;
  authorizationId: string | null;
  captureId: string | null;
  failureReason: DeclineReason | null;
  /**
   * The order is held for fraud review: the payment is authorized when the stock is reserved, and captured only
   * once the order is approved (orders.order-approved clears it).
   */
  reviewRequired: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** What may still be refunded: the captured amount minus what went back already. */
export function refundableAmount(payment: Payment): Money {
  const left = refundableStatuses.includes(payment.status) ? payment.amount.amount - payment.refundedAmount : 0;
  return { amount: left, currency: payment.amount.currency };
}

/** The key the gateway knows the payment's authorization by: retries of a charge reach the same authorization. */
export function authorizationKey(payment: Pick<Payment, 'id'>): string {
  return `payment:${payment.id}`;
}
