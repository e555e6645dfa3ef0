import { createHash } from 'node:crypto';
import type { StateStore } from '@shop/kit';
import type { CheckoutRecord, CheckoutRecords } from '../application/ports';

// The key is hashed: a client's Idempotency-Key may be any 255 visible characters, a state key should not.
const keyOf = (customerId: string, idempotencyKey: string) =>
  `checkout:${customerId}:${createHash('sha256').update(idempotencyKey).digest('hex')}`;

/**
 * Checkout answers in the mesh state store, one entry per customer and Idempotency-Key, gone after
 * CART_IDEMPOTENCY_TTL_HOURS (the state store's TTL), as orders' idempotency records are.
 */
export function stateCheckoutRecords(state: StateStore, options: { ttlHours: number }): CheckoutRecords {
  const ttlSeconds = Math.round(options.ttlHours * 3600);
  return {
    async find(customerId, idempotencyKey) {
      return (await state.get<CheckoutRecord>(keyOf(customerId, idempotencyKey)))?.value;
    },
    async save(customerId, idempotencyKey, record) {
      await state.save(keyOf(customerId, idempotencyKey), record, { ttlSeconds });
    },
  };
}
