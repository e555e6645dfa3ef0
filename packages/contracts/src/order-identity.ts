import { v5 as nameBasedUuid } from 'uuid';

// Fixed once: changing it would give every retried placement a new order id.
const placementNamespace = '3c1a3f46-5b0e-4f0c-9d6e-7b8f2f8a41d2';

/**
 * The id of the order a customer places under an Idempotency-Key: the same customer and key name the same order on
 * every attempt, so a retry finds the payment and the order its first attempt made instead of opening new ones.
 * Name-based (RFC 9562, version 5): no table is needed to remember it, and no two customers' keys collide.
 * Published because another service placing orders on a customer's behalf (the cart's checkout) must know, before
 * orders answers, which order its request will be.
 */
export function orderIdFor(customerId: string, idempotencyKey: string): string {
  return nameBasedUuid(`${customerId}\n${idempotencyKey}`, placementNamespace);
}
