import { orderIdFor } from '@shop/contracts';
import { EtagMismatchError, type HandlerContext, hashRequest } from '@shop/kit';
import {
  finishCheckout,
  type LeaseDeps,
  leaseExpired,
  newRevision,
  releaseLease,
  settleExpiredCheckout,
} from './checkout-lease';
import type { CheckoutRecord } from './checkout-ports';
import type { CartLine, CartRef, ProductFacts, ProductViews, StoredCart } from './ports';

export interface Checkout {
  customerId: string;
  /** The client's Idempotency-Key, or a fresh one when it sent none (then every request is a new checkout). */
  idempotencyKey: string;
  /** As validated: `{shippingAddress, payment}`, passed on to orders. */
  body: { shippingAddress: unknown; payment: unknown };
  /** The customer's `Authorization` header: the order is placed with the customer's own token. */
  authorization: string;
  requestId?: string;
}

export interface CheckoutDeps extends LeaseDeps {
  products: ProductViews;
  /** How long a checkout holds the cart (CART_CHECKOUT_LEASE_SECONDS). */
  leaseSeconds: number;
}

/** A line that cannot be ordered as it is. */
export interface UnavailableLine {
  productId: string;
  name?: string;
  reason: 'unknown' | 'archived' | 'insufficient';
  quantity: number;
  available: number;
}

export type CheckoutResult =
  | { ok: true; outcome: 'accepted' | 'replayed'; status: number; body: unknown; orderId: string }
  /** The key was used before with another body. */
  | { ok: false; reason: 'key-reused' }
  /** A checkout holds the cart: this key's own first request (`sameKey`) or another key's. */
  | { ok: false; reason: 'in-progress'; sameKey: boolean }
  | { ok: false; reason: 'empty' }
  | { ok: false; reason: 'unavailable-lines'; lines: UnavailableLine[] }
  /** Orders refused the order (4xx): its status and answer. */
  | { ok: false; reason: 'refused'; status: number; body: unknown }
  /** Orders failed or could not be reached; the cart is as it was. */
  | { ok: false; reason: 'orders-unavailable' };

const maxLeaseAttempts = 100;

/**
 * Places the customer's cart as an order (POST /api/cart/checkout). The cart is leased to this key first (a
 * conditional save, so a concurrent checkout under another key finds the lease and is refused), orders is asked
 * under the same Idempotency-Key (so it names the order the lease names), and only its acceptance empties the
 * cart; any refusal releases the lease and leaves the lines as they were.
 */
export async function checkout(ctx: HandlerContext, input: Checkout, deps: CheckoutDeps): Promise<CheckoutResult> {
  // Card-free (the kit's fingerprint keeps the card's last four digits and expiry, never the number or code).
  const requestHash = hashRequest(input.body);
  const ref: CartRef = { kind: 'customer', customerId: input.customerId };
  const recorded = await deps.records.find(input.customerId, input.idempotencyKey);
  if (recorded) return replay(recorded, requestHash);

  for (let attempt = 0; attempt < maxLeaseAttempts; attempt++) {
    const now = deps.clock.now();
    const read = await deps.carts.read(ref);
    const lease = read?.cart.checkout;
    if (read && lease) {
      const sameKey = lease.idempotencyKey === input.idempotencyKey;
      if (sameKey && lease.requestHash !== requestHash) return { ok: false, reason: 'key-reused' };
      if (!leaseExpired(lease, now)) return { ok: false, reason: 'in-progress', sameKey };
      const settled = await settleExpiredCheckout(ctx, input, deps);
      if (settled === 'unavailable') return { ok: false, reason: 'orders-unavailable' };
      // The expired lease may have been this key's own first attempt: then its record answers now.
      const record = sameKey ? await deps.records.find(input.customerId, input.idempotencyKey) : undefined;
      if (record) return replay(record, requestHash);
      continue;
    }
    if (!read || read.cart.lines.length === 0) return { ok: false, reason: 'empty' };

    const unavailable = unavailableLines(read.cart.lines, await deps.products.describe(productIds(read.cart)));
    if (unavailable.length > 0) return { ok: false, reason: 'unavailable-lines', lines: unavailable };

    const leased: StoredCart = {
      ...read.cart,
      revision: newRevision(),
      checkout: {
        idempotencyKey: input.idempotencyKey,
        requestHash,
        orderId: orderIdFor(input.customerId, input.idempotencyKey),
        expiresAt: new Date(now.getTime() + deps.leaseSeconds * 1000).toISOString(),
      },
    };
    try {
      await deps.carts.write(ref, leased, read.etag);
    } catch (error) {
      if (error instanceof EtagMismatchError) continue; // the cart changed since it was read: look again
      throw error;
    }
    return place(ctx, { ...input, ref, cart: leased }, deps);
  }
  throw new Error(`the cart of ${input.customerId} changed ${maxLeaseAttempts} times while a checkout began`);
}

async function place(
  ctx: HandlerContext,
  input: Checkout & { ref: CartRef; cart: StoredCart },
  deps: CheckoutDeps,
): Promise<CheckoutResult> {
  const lease = input.cart.checkout as NonNullable<StoredCart['checkout']>;
  const placement = await deps.orders.place({
    items: input.cart.lines.map(({ productId, quantity }) => ({ productId, quantity })),
    shippingAddress: input.body.shippingAddress,
    payment: input.body.payment,
    authorization: input.authorization,
    idempotencyKey: input.idempotencyKey,
    ...(input.requestId ? { requestId: input.requestId } : {}),
  });
  if (placement.outcome === 'accepted') {
    await finishCheckout(
      ctx,
      {
        ref: input.ref,
        cartId: input.cart.id,
        customerId: input.customerId,
        lease,
        answer: placement,
        order: placement.order,
      },
      deps,
    );
    return { ok: true, outcome: 'accepted', status: placement.status, body: placement.body, orderId: lease.orderId };
  }
  await releaseLease(ctx, { ref: input.ref, orderId: lease.orderId }, deps);
  if (placement.outcome === 'refused') {
    return { ok: false, reason: 'refused', status: placement.status, body: placement.body };
  }
  ctx.log.warn({ orderId: lease.orderId, reason: placement.reason }, 'orders did not take the checkout; cart kept');
  return { ok: false, reason: 'orders-unavailable' };
}

function replay(record: CheckoutRecord, requestHash: string): CheckoutResult {
  if (record.requestHash !== requestHash) return { ok: false, reason: 'key-reused' };
  return { ok: true, outcome: 'replayed', status: record.status, body: record.body, orderId: record.orderId };
}

const productIds = (cart: StoredCart) => [...new Set(cart.lines.map((line) => line.productId))];

/** Lines of products the catalog no longer has or sells, or of more than inventory has available. */
function unavailableLines(lines: CartLine[], facts: Map<string, ProductFacts>): UnavailableLine[] {
  return lines.flatMap((line): UnavailableLine[] => {
    const product = facts.get(line.productId);
    const base = { productId: line.productId, quantity: line.quantity };
    if (!product) return [{ ...base, reason: 'unknown', available: 0 }];
    const named = { ...base, name: product.name, available: product.status === 'archived' ? 0 : product.available };
    if (product.status === 'archived') return [{ ...named, reason: 'archived' }];
    if (line.quantity > product.available) return [{ ...named, reason: 'insufficient' }];
    return [];
  });
}
