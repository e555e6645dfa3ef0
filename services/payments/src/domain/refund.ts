import { createHash } from 'node:crypto';
import type { Money } from '@shop/contracts';

/** Money that went back to the card, recorded once the gateway refunded it. */
export interface Refund {
  /** Also the gateway's idempotency key for this refund: a retry of the same refund reaches the same one. */
  id: string;
  paymentId: string;
  orderId: string;
  amount: Money;
  reason: string;
  gatewayRefundId: string;
  createdAt: Date;
}

export const refundReasonMaxLength = 200;

/**
 * A refund id derived from what names the refund (an Idempotency-Key, or "the cancellation of this payment"),
 * so that a retry after a crash, whose first attempt may have reached the gateway but not our database,
 * asks the gateway for the same refund rather than a second one. Shaped as a UUID (RFC 9562 version 8).
 */
export function refundIdFor(name: string): string {
  const bytes = createHash('sha256').update(name).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
