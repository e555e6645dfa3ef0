import type { HandlerContext } from '@shop/kit';
import {
  type CartRef,
  type CheckoutLease,
  checkoutUnderWay,
  maxReleasedCheckouts,
  releasedCheckoutsToAsk,
  type StoredCart,
} from '../domain/cart';
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
 * Rewrites the cart as `end` says (through the one write loop, as the lease's holder); `end` answers undefined when
 * there is nothing left to do (the lease finished or released by another attempt).
 */
async function endLease(
  ctx: HandlerContext,
  input: { ref: CartRef; lease: CheckoutLease; end: (cart: StoredCart, now: Date) => StoredCart | undefined },
  deps: Pick<CartDeps, 'carts' | 'metrics' | 'clock'>,
): Promise<void> {
  const result = await changeCart(
    ctx,
    {
      ref: input.ref,
      operation: 'checkout',
      leaseHolder: input.lease.idempotencyKey,
      change: (cart, now) => cart && input.end(cart, now),
    },
    deps,
  );
  if (result.ok) return;
  if (result.refusal.refused === 'conflict') {
    // Another key's checkout leased the cart after this one's lease was dropped; its own answer takes out what it
    // orders, so this order's lines (if it orders them again) leave then.
    ctx.log.warn({ orderId: input.lease.orderId }, 'the cart is leased to another checkout; left to it');
    return;
  }
  throw new Error(`the checkout lease of order ${input.lease.orderId} could not end: ${result.refusal.detail}`);
}

const withoutLease = ({ checkout: _ended, ...cart }: StoredCart): StoredCart => cart;
const holdsLease = (cart: StoredCart, lease: CheckoutLease) => cart.checkout?.orderId === lease.orderId;
const wasReleased = (cart: StoredCart, orderId: string) =>
  cart.releasedCheckouts?.some((released) => released.orderId === orderId) ?? false;

function withoutReleased(cart: StoredCart, orderId: string): StoredCart {
  const { releasedCheckouts, ...rest } = cart;
  const left = releasedCheckouts?.filter((released) => released.orderId !== orderId) ?? [];
  return left.length > 0 ? { ...rest, releasedCheckouts: left } : rest;
}

/**
 * The cart without the lease, its lines as they are (orders refused the order, could not be reached, or did not
 * have it yet when the expired lease was settled). Unless orders refused it, the order is remembered as released:
 * should orders take it after all, its answer still empties the cart (finishCheckout).
 */
export async function releaseLease(
  ctx: HandlerContext,
  input: { ref: CartRef; lease: CheckoutLease; mayYetBePlaced: boolean },
  deps: Pick<CartDeps, 'carts' | 'metrics' | 'clock'>,
): Promise<void> {
  const { orderId } = input.lease;
  await endLease(
    ctx,
    {
      ...input,
      end: (cart, now) => {
        if (!holdsLease(cart, input.lease)) return undefined;
        if (!input.mayYetBePlaced) return withoutLease(cart);
        const remembered = withoutReleased(cart, orderId).releasedCheckouts ?? [];
        const { expiresAt: _expired, ...lease } = input.lease;
        const releasedCheckouts = [...remembered, { ...lease, releasedAt: now.toISOString() }];
        return { ...withoutLease(cart), releasedCheckouts: releasedCheckouts.slice(-maxReleasedCheckouts) };
      },
    },
    deps,
  );
}

/**
 * Ends a checkout orders accepted: the answer is recorded for retries of its key, `carts.cart-checked-out` is
 * published with an id derived from the order (a repeat is a duplicate consumers drop), then the order's quantities
 * leave the cart together with the lease. Each step may run again after a crash: the record is the same, the event
 * has the same id, and the lines are removed only while the order's lease is still on the cart, so only once. An
 * order whose lease was dropped before orders took it (releaseLease: orders answered after the lease expired)
 * takes its quantities out all the same, once, while the cart remembers it as released.
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
    {
      ref: input.ref,
      lease,
      end: (cart) => {
        if (holdsLease(cart, lease)) {
          return { ...withoutReleased(withoutLease(cart), lease.orderId), lines: withoutOrdered(cart.lines, order) };
        }
        if (wasReleased(cart, lease.orderId)) {
          return { ...withoutReleased(cart, lease.orderId), lines: withoutOrdered(cart.lines, order) };
        }
        return undefined;
      },
    },
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
  const placed = await placedOrder(lease, input, deps);
  if (placed === 'unavailable') return 'unavailable';
  if (placed === 'absent') {
    // Orders may still be working on it (a slow placement outlived the lease): remembered as released.
    await releaseLease(ctx, { ref, lease, mayYetBePlaced: true }, deps);
    return 'released';
  }
  await finishCheckout(ctx, { ref, cartId: read.cart.id, customerId: input.customerId, lease, ...placed }, deps);
  return 'finished';
}

/**
 * What became of a checkout's order: the key's record when it names that order (what the checkout answered), else
 * orders' own answer (202, as a placement answers); `absent` when orders has no such order, `unavailable` when
 * orders could not say.
 */
async function placedOrder(
  checkout: { idempotencyKey: string; orderId: string },
  input: { customerId: string; authorization: string },
  deps: LeaseDeps,
): Promise<{ answer: { status: number; body: unknown }; order: PlacedOrder } | 'absent' | 'unavailable'> {
  const record = await deps.records.find(input.customerId, checkout.idempotencyKey);
  if (record?.orderId === checkout.orderId) {
    return { answer: { status: record.status, body: record.body }, order: record.order };
  }
  const found = await deps.orders.find(checkout.orderId, input.authorization);
  if (typeof found !== 'object') return found;
  return { answer: { status: 202, body: found.body }, order: found.order };
}

/**
 * Asks orders about the cart's released checkouts still watched (releasedCheckoutsToAsk): an order orders took after
 * its lease was dropped, whose own request did not finish it (the process ended), is finished now, from the key's
 * record when there is one. Answers whether it finished any.
 */
export async function settleReleasedCheckouts(
  ctx: HandlerContext,
  input: { customerId: string; authorization: string },
  deps: LeaseDeps,
): Promise<boolean> {
  const ref: CartRef = { kind: 'customer', customerId: input.customerId };
  const read = await deps.carts.read(ref);
  let finished = false;
  for (const released of releasedCheckoutsToAsk(read?.cart, deps.clock.now())) {
    if (!read) break;
    const placed = await placedOrder(released, input, deps);
    if (typeof placed !== 'object') continue;
    const lease: CheckoutLease = { ...released, expiresAt: released.releasedAt };
    await finishCheckout(ctx, { ref, cartId: read.cart.id, customerId: input.customerId, lease, ...placed }, deps);
    finished = true;
  }
  return finished;
}

/**
 * The carts as a customer's request reads them: a customer cart found with an expired lease is settled first
 * (settleExpiredCheckout, with the caller's token for orders) and read again, so every access to the cart, not
 * only the next checkout, finishes a checkout its request did not; so is one with released checkouts still watched
 * (settleReleasedCheckouts). A cart with neither costs nothing more.
 */
export function settlingCheckouts(ctx: HandlerContext, input: { authorization: string }, deps: LeaseDeps): CartStore {
  return {
    async read(ref) {
      const entry = await deps.carts.read(ref);
      if (ref.kind !== 'customer' || !entry) return entry;
      const customer = { customerId: ref.customerId, ...input };
      let changed = false;
      if (entry.cart.checkout && !checkoutUnderWay(entry.cart, deps.clock.now())) {
        const settled = await settleExpiredCheckout(ctx, customer, deps);
        changed = settled === 'finished' || settled === 'released';
      }
      if (releasedCheckoutsToAsk(entry.cart, deps.clock.now()).length > 0) {
        changed = (await settleReleasedCheckouts(ctx, customer, deps)) || changed;
      }
      return changed ? deps.carts.read(ref) : entry;
    },
    write: (ref, cart, expected) => deps.carts.write(ref, cart, expected),
    remove: (ref, etag) => deps.carts.remove(ref, etag),
  };
}
