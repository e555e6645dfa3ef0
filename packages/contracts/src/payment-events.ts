import type { Money } from './money';

export type DeclineReason =
  | 'card-declined'
  | 'insufficient-funds'
  | 'expired-card'
  | 'processing-error'
  /** Extension: the vaulted card's token expired (or was never issued) before the order was charged. */
  | 'payment-method-expired';

/** payments.payment-succeeded: the order's amount was authorized and captured. */
export interface PaymentSucceeded {
  orderId: string;
  paymentId: string;
  amount: Money;
  cardLast4: string;
  capturedAt: string;
}

/** payments.payment-failed: the card was declined; nothing was charged. */
export interface PaymentFailed {
  orderId: string;
  paymentId: string;
  reason: DeclineReason;
  failedAt: string;
}

/** payments.payment-refunded: part or all of a captured payment went back to the card. */
export interface PaymentRefunded {
  orderId: string;
  paymentId: string;
  refundId: string;
  amount: Money;
  /** Everything refunded on this payment so far, this refund included. */
  refundedTotal: Money;
  reason: string;
  refundedAt: string;
}
