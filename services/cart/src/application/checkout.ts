import { orderIdFor, orderLimits } from '@shop/contracts';
import { type HandlerContext, hashRequest } from '@shop/kit';
import { type CartLine, type CartRef, type CheckoutLease, checkoutUnderWay, type StoredCart } from '../domain/cart';
import type { ProductFacts } from '../domain/product-facts';
import { changeCart } from './change-cart';
import { finishCheckout, type LeaseDeps, releaseLease, settleExpiredCheckout } from './checkout-lease';
import type { CartDeps, CheckoutRecord, PlacedOrder } from './ports';

export interface Checkout {
  customerId: string;
  /** The client's Idempotency-Key, or a fresh one when it sent none (then every request is a checkout of its own). */
  idempotencyKey: string;
  /** As validated: `{shippingAddress, payment}`, passed on to orders. */
  body: { shippingAddress: unknown; payment: unknown };
  /** The customer's `Authorization` header: the order is placed with the customer's own token. */
  authorization: string;
  requestId?: string;
}

export interface CheckoutDeps extends LeaseDeps, Pick<CartDeps, 'products' | 'checkoutLeaseSeconds'> {}

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
  /** More products than one order takes (orderLimits.maxLines). */
  | { ok: false; reason: 'too-many-lines'; lines: number }
  | { ok: false; reason: 'unavailable-lines'; lines: UnavailableLine[] }
  /** Orders refused the order (4xx): its status and answer. */
  | { ok: false; reason: 'refused'; status: number; body: unknown }
  /** Orders failed or could not be reached; the cart is as it was. */
  | { ok: false; reason: 'orders-unavailable' }
  /** The cart kept changing under the checkout; nothing was placed. */
  | { ok: false; reason: 'busy' };

// Each round reads the cart afresh; only a change between its read and the lease's save makes another round.
const maxRounds = 20;

/**
 * Places the customer's cart as an order (POST /api/cart/checkout). The cart is leased to this key first (a
 * conditional save, so a concurrent checkout under another key finds the lease and is refused), orders is asked
 * under the same Idempotency-Key (so it names the order the lease names), and only its acceptance empties the
 * cart; any refusal releases the lease and leaves the lines as they were.
 */
export async function checkout(ctx: HandlerContext, input: Checkout, deps: CheckoutDeps): Promise<CheckoutResult> {
  // Card-free: the kit's fingerprint keeps the card's last four digits and expiry, never its number or code.
  const requestHash = hashRequest(input.body);
  const ref: CartRef = { kind: 'customer', customerId: input.customerId };
  const recorded = await deps.records.find(input.customerId, input.idempotencyKey);
  if (recorded) return replay(recorded, requestHash);

  for (let round = 0; round < maxRounds; round++) {
    const read = await deps.carts.read(ref);
    const held = read?.cart.checkout;
    if (read && held) {
      const sameKey = held.idempotencyKey === input.idempotencyKey;
      if (sameKey && held.requestHash !== requestHash) return { ok: false, reason: 'key-reused' };
      if (checkoutUnderWay(read.cart, deps.clock.now())) return { ok: false, reason: 'in-progress', sameKey };
      const settled = await settleExpiredCheckout(ctx, input, deps);
      if (settled === 'unavailable') return { ok: false, reason: 'orders-unavailable' };
      // The expired lease may have been this key's own first attempt: then its record answers now.
      const record = sameKey ? await deps.records.find(input.customerId, input.idempotencyKey) : undefined;
      if (record) return replay(record, requestHash);
      continue;
    }
    if (!read || read.cart.lines.length === 0) return { ok: false, reason: 'empty' };

    const lines = read.cart.lines;
    if (lines.length > orderLimits.maxLines) return { ok: false, reason: 'too-many-lines', lines: lines.length };
    const unavailable = unavailableLines(lines, await deps.products.describe(lines.map((line) => line.productId)));
    if (unavailable.length > 0) return { ok: false, reason: 'unavailable-lines', lines: unavailable };

    const lease: CheckoutLease = {
      idempotencyKey: input.idempotencyKey,
      requestHash,
      orderId: orderIdFor(input.customerId, input.idempotencyKey),
      expiresAt: new Date(deps.clock.now().getTime() + deps.checkoutLeaseSeconds * 1000).toISOString(),
    };
    let leased: StoredCart | undefined;
    const taken = await changeCart(
      ctx,
      {
        ref,
        operation: 'checkout',
        leaseHolder: input.idempotencyKey,
        // Only the lines just checked are leased: a cart that changed since (or got a lease) is looked at again.
        change: (cart) => {
          leased = cart && !cart.checkout && sameLines(cart.lines, lines) ? { ...cart, checkout: lease } : undefined;
          return leased;
        },
      },
      deps,
    );
    if (!taken.ok && taken.refusal.refused !== 'conflict') return { ok: false, reason: 'busy' };
    if (taken.ok && leased) return place(ctx, { ...input, ref, cart: leased, lease }, deps);
  }
  return { ok: false, reason: 'busy' };
}

async function place(
  ctx: HandlerContext,
  input: Checkout & { ref: CartRef; cart: StoredCart; lease: CheckoutLease },
  deps: CheckoutDeps,
): Promise<CheckoutResult> {
  const { lease } = input;
  const placement = await deps.orders.place({
    items: input.cart.lines.map(({ productId, quantity }) => ({ productId, quantity })),
    shippingAddress: input.body.shippingAddress,
    payment: input.body.payment,
    authorization: input.authorization,
    idempotencyKey: input.idempotencyKey,
    ...(input.requestId ? { requestId: input.requestId } : {}),
  });
  // Orders may have taken the order and lost its answer (a timeout, a failure after its commit): it is asked before
  // the lease goes, so a cart whose order exists is never handed back to be ordered again.
  const accepted =
    placement.outcome === 'accepted'
      ? placement
      : placement.outcome === 'unavailable'
        ? await placedAfterAll(input, lease, deps)
        : undefined;
  if (accepted) {
    const answer = { status: accepted.status, body: accepted.body };
    await finishCheckout(
      ctx,
      { ref: input.ref, cartId: input.cart.id, customerId: input.customerId, lease, answer, order: accepted.order },
      deps,
    );
    return { ok: true, outcome: 'accepted', ...answer, orderId: lease.orderId };
  }
  // A refusal is final; a placement that went unanswered may still be taken by orders later.
  await releaseLease(ctx, { ref: input.ref, lease, mayYetBePlaced: placement.outcome !== 'refused' }, deps);
  if (placement.outcome === 'refused') {
    return { ok: false, reason: 'refused', status: placement.status, body: placement.body };
  }
  ctx.log.warn({ orderId: lease.orderId, placement }, 'orders did not take the checkout; cart kept');
  return { ok: false, reason: 'orders-unavailable' };
}

/** The order orders has under the lease's id although its answer to the placement was lost, as a 202 would be. */
async function placedAfterAll(
  input: Checkout,
  lease: CheckoutLease,
  deps: CheckoutDeps,
): Promise<{ status: number; body: unknown; order: PlacedOrder } | undefined> {
  const found = await deps.orders.find(lease.orderId, input.authorization);
  return typeof found === 'object' ? { status: 202, ...found } : undefined;
}

function replay(record: CheckoutRecord, requestHash: string): CheckoutResult {
  if (record.requestHash !== requestHash) return { ok: false, reason: 'key-reused' };
  return { ok: true, outcome: 'replayed', status: record.status, body: record.body, orderId: record.orderId };
}

function sameLines(a: CartLine[], b: CartLine[]): boolean {
  return (
    a.length === b.length &&
    a.every((line, i) => line.productId === b[i]?.productId && line.quantity === b[i]?.quantity)
  );
}

/** Lines of products the catalog no longer has or sells, or of more than inventory has available. */
function unavailableLines(lines: CartLine[], facts: Map<string, ProductFacts>): UnavailableLine[] {
  return lines.flatMap((line): UnavailableLine[] => {
    const product = facts.get(line.productId);
    const base = { productId: line.productId, quantity: line.quantity };
    if (!product) return [{ ...base, reason: 'unknown', available: 0 }];
    if (product.status === 'archived') return [{ ...base, name: product.name, reason: 'archived', available: 0 }];
    if (line.quantity > product.available) {
      return [{ ...base, name: product.name, reason: 'insufficient', available: product.available }];
    }
    return [];
  });
}
