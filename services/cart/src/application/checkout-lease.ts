import { randomBytes } from 'node:crypto';
import { EtagMismatchError, type HandlerContext } from '@shop/kit';
import { cartCheckedOut } from './cart-events';
import type { CartEvents, CheckoutRecords, Orders, PlacedOrder } from './checkout-ports';
import type { CartRef, CartStore, CheckoutLease, StoredCart } from './ports';

/** What finishing or settling a checkout needs. */
export interface LeaseDeps {
  carts: CartStore;
  orders: Orders;
  records: CheckoutRecords;
  events: CartEvents;
  clock: { now(): Date };
}

// Each attempt re-reads the cart; only a write between the read and the save makes another attempt.
const maxWriteAttempts = 100;

export const leaseExpired = (lease: CheckoutLease, now: Date) => Date.parse(lease.expiresAt) <= now.getTime();

/** Every write gives the cart a new revision: its HTTP ETag. */
export const newRevision = () => randomBytes(12).toString('base64url');

/**
 * Writes `change(cart)` with the ETag it was read with, from a fresh read on every conflict. `change` answers
 * undefined when there is nothing to write (the lease it meant to end is already gone).
 */
async function rewrite(
  carts: CartStore,
  ref: CartRef,
  change: (cart: StoredCart) => StoredCart | undefined,
): Promise<void> {
  for (let attempt = 0; attempt < maxWriteAttempts; attempt++) {
    const read = await carts.read(ref);
    const next = read && change(read.cart);
    if (!read || !next) return;
    try {
      await carts.write(ref, { ...next, revision: newRevision() }, read.etag);
      return;
    } catch (error) {
      if (!(error instanceof EtagMismatchError)) throw error;
    }
  }
  throw new Error(`cart ${JSON.stringify(ref)} changed ${maxWriteAttempts} times while its checkout was ending`);
}

/** The cart without the lease of order `orderId`, its lines as they are (orders refused or could not be reached). */
export function releaseLease(
  _ctx: HandlerContext,
  input: { ref: CartRef; orderId: string },
  deps: Pick<LeaseDeps, 'carts'>,
): Promise<void> {
  return rewrite(deps.carts, input.ref, (cart) => {
    if (cart.checkout?.orderId !== input.orderId) return undefined;
    const { checkout: _released, ...rest } = cart;
    return rest;
  });
}

/**
 * Ends a checkout orders accepted: the answer is recorded for retries of its key, `carts.cart-checked-out` is
 * published with an id derived from the order (a repeat is a duplicate consumers drop), then the order's quantities
 * leave the cart together with the lease. Each step may run again after a crash: the record is the same, the event
 * has the same id, and the lines are removed only while the order's lease is still on the cart, so only once.
 */
export async function finishCheckout(
  _ctx: HandlerContext,
  input: { ref: CartRef; cartId: string; customerId: string; lease: CheckoutLease; answer: { status: number; body: unknown }; order: PlacedOrder },
  deps: LeaseDeps,
): Promise<void> {
  const { lease, order } = input;
  await deps.records.save(input.customerId, lease.idempotencyKey, {
    requestHash: lease.requestHash,
    status: input.answer.status,
    body: input.answer.body,
    orderId: order.id,
    order,
  });
  const event = cartCheckedOut({ cartId: input.cartId, customerId: input.customerId, order, checkedOutAt: deps.clock.now() });
  await deps.events.publish(event.topic, event.envelope);
  await rewrite(deps.carts, input.ref, (cart) => {
    if (cart.checkout?.orderId !== order.id) return undefined;
    const { checkout: _finished, ...rest } = cart;
    return { ...rest, lines: withoutOrdered(cart.lines, order), updatedAt: deps.clock.now().toISOString() };
  });
}

/** The lines left once the order's quantities are taken out (lines added after the checkout began stay). */
function withoutOrdered(lines: StoredCart['lines'], order: PlacedOrder): StoredCart['lines'] {
  const ordered = new Map<string, number>();
  for (const item of order.items) ordered.set(item.productId, (ordered.get(item.productId) ?? 0) + item.quantity);
  return lines.flatMap((line) => {
    const left = line.quantity - (ordered.get(line.productId) ?? 0);
    return left > 0 ? [{ ...line, quantity: left }] : [];
  });
}

export type Settlement = 'none' | 'finished' | 'released' | 'unavailable';

/**
 * Settles a checkout whose lease outlived its request (the process ended between orders' answer and the cart's
 * last write): with the key's record the checkout finishes from it; without one, orders is asked whether the order
 * exists (finish) or not (the lease goes). `unavailable`: orders could not say; the lease stays for a later look.
 */
export async function settleExpiredCheckout(
  ctx: HandlerContext,
  input: { customerId: string; authorization: string },
  deps: LeaseDeps,
): Promise<Settlement> {
  const ref: CartRef = { kind: 'customer', customerId: input.customerId };
  const read = await deps.carts.read(ref);
  const lease = read?.cart.checkout;
  if (!read || !lease || !leaseExpired(lease, deps.clock.now())) return 'none';
  const record = await deps.records.find(input.customerId, lease.idempotencyKey);
  if (record && record.orderId === lease.orderId) {
    await finishCheckout(
      ctx,
      { ref, cartId: read.cart.id, customerId: input.customerId, lease, answer: record, order: record.order },
      deps,
    );
    return 'finished';
  }
  const found = await deps.orders.find(lease.orderId, input.authorization);
  if (found === 'unavailable') return 'unavailable';
  if (found === 'absent') {
    await releaseLease(ctx, { ref, orderId: lease.orderId }, deps);
    return 'released';
  }
  await finishCheckout(
    ctx,
    { ref, cartId: read.cart.id, customerId: input.customerId, lease, answer: { status: 202, body: found.body }, order: found.order },
    deps,
  );
  return 'finished';
}
