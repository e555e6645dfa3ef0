import type { HandlerContext } from '@shop/kit';
import { type CartRef, type CheckoutLease, checkoutUnderWay, type StoredCart } from '../domain/cart';
import { cartCheckedOut } from './cart-events';
import { changeCart } from './change-cart';
import type { CartDeps, CartEvents, CartStore, CheckoutRecords, Orders, PlacedOrder } from './ports';

/** What finishing or settling a checkout needs. */
export interface LeaseDeps extends Pick<CartDeps, 'carts' | 'metrics' | 'clock'> {
  orders: Orders;
  records: CheckoutRecords;
  events: CartEvents;
}

/**
 * Rewrites the cart while the lease of order `orderId` is on it (through the one write loop, as the lease's holder);
 * once the lease is gone (finished or released by another attempt) there is nothing left to do.
 */
async function endLease(
  ctx: HandlerContext,
  input: { ref: CartRef; lease: CheckoutLease; end: (cart: StoredCart) => StoredCart },
  deps: Pick<CartDeps, 'carts' | 'metrics' | 'clock'>,
): Promise<void> {
  const result = await changeCart(
    ctx,
    {
      ref: input.ref,
      operation: 'checkout',
      leaseHolder: input.lease.idempotencyKey,
      change: (cart) => (cart?.checkout?.orderId === input.lease.orderId ? input.end(cart) : undefined),
    },
    deps,
  );
  if (!result.ok)
    throw new Error(`the checkout lease of order ${input.lease.orderId} could not end: ${result.refusal.detail}`);
}

const withoutLease = ({ checkout: _ended, ...cart }: StoredCart): StoredCart => cart;

/** The cart without the lease, its lines as they are (orders refused the order or could not be reached). */
export async function releaseLease(
  ctx: HandlerContext,
  input: { ref: CartRef; lease: CheckoutLease },
  deps: Pick<CartDeps, 'carts' | 'metrics' | 'clock'>,
): Promise<void> {
  await endLease(ctx, { ...input, end: withoutLease }, deps);
}

/**
 * Ends a checkout orders accepted: the answer is recorded for retries of its key, `carts.cart-checked-out` is
 * published with an id derived from the order (a repeat is a duplicate consumers drop), then the order's quantities
 * leave the cart together with the lease. Each step may run again after a crash: the record is the same, the event
 * has the same id, and the lines are removed only while the order's lease is still on the cart, so only once.
 */
export async function finishCheckout(
  ctx: HandlerContext,
  input: {
    ref: CartRef;
    cartId: string;
    customerId: string;
    lease: CheckoutLease;
    answer: { status: number; body: unknown };
    order: PlacedOrder;
  },
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
  const event = cartCheckedOut({ cartId: input.cartId, customerId: input.customerId, order });
  await deps.events.publish(event.topic, event.envelope);
  await endLease(
    ctx,
    { ref: input.ref, lease, end: (cart) => ({ ...withoutLease(cart), lines: withoutOrdered(cart.lines, order) }) },
    deps,
  );
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
  if (!read || !lease || checkoutUnderWay(read.cart, deps.clock.now())) return 'none';
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
    await releaseLease(ctx, { ref, lease }, deps);
    return 'released';
  }
  await finishCheckout(
    ctx,
    {
      ref,
      cartId: read.cart.id,
      customerId: input.customerId,
      lease,
      answer: { status: 202, body: found.body },
      order: found.order,
    },
    deps,
  );
  return 'finished';
}

/**
 * The carts as a customer's request reads them: a customer cart found with an expired lease is settled first
 * (settleExpiredCheckout, with the caller's token for orders) and read again, so every access to the cart, not
 * only the next checkout, finishes a checkout its request did not. A cart without a lease costs nothing more.
 */
export function settlingCheckouts(ctx: HandlerContext, input: { authorization: string }, deps: LeaseDeps): CartStore {
  return {
    async read(ref) {
      const entry = await deps.carts.read(ref);
      if (ref.kind !== 'customer' || !entry?.cart.checkout || checkoutUnderWay(entry.cart, deps.clock.now())) {
        return entry;
      }
      const settled = await settleExpiredCheckout(ctx, { customerId: ref.customerId, ...input }, deps);
      return settled === 'finished' || settled === 'released' ? deps.carts.read(ref) : entry;
    },
    write: (ref, cart, expected) => deps.carts.write(ref, cart, expected),
    remove: (ref, etag) => deps.carts.remove(ref, etag),
  };
}
