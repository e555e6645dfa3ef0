import { randomBytes } from 'node:crypto';
import type { HandlerContext } from '@shop/kit';
import { cartOrEmpty, emptyCart, guestCartId, isRefusal, mergeLines, type Refusal } from '../domain/cart';
import { changeCart } from './change-cart';
import type { CartDeps } from './ports';
import { answerFor, type CartAnswer } from './show-cart';

/** A new, empty guest cart; its id (128 random bits) is the secret that reaches it. */
export async function createGuestCart(
  ctx: HandlerContext,
  _input: Record<string, never>,
  deps: CartDeps,
): Promise<CartAnswer | Refusal> {
  const ref = { kind: 'guest', cartId: guestCartId(randomBytes(16)) } as const;
  const written = await changeCart(
    ctx,
    {
      ref,
      operation: 'create',
      // Saved only if absent: 128 random bits never collide, and if they did no cart would be taken over.
      change: (cart, now) =>
        cart ? { refused: 'conflict', detail: 'A cart with this id exists.' } : emptyCart(ref, now),
    },
    deps,
  );
  if (!written.ok) return written.refusal;
  return answerFor(ctx, { cart: written.cart ?? emptyCart(ref, deps.clock.now()) }, deps);
}

export interface MergeGuestCart {
  customerId: string;
  cartId: string;
  /** The client's If-Match for the customer's cart. */
  ifMatch?: string;
}

/**
 * Adds a guest cart's lines to the customer's cart (quantities summed, capped at 99); the guest cart is gone. It is
 * claimed first by a conditional write (`mergedInto`), so of two merges of one guest cart (or a merge and a write to
 * the guest cart) only one goes on: the other finds it gone (404), and no line is added twice. The claimed entry is
 * then emptied and left to its TTL (see StoredCart.mergedInto).
 */
export async function mergeGuestCart(
  ctx: HandlerContext,
  input: MergeGuestCart,
  deps: CartDeps,
): Promise<CartAnswer | Refusal> {
  const guest = { kind: 'guest', cartId: input.cartId } as const;
  const customer = { kind: 'customer', customerId: input.customerId } as const;
  const claimed = await changeCart(
    ctx,
    {
      ref: guest,
      operation: 'merge-guest',
      change: (cart, now) => {
        const base = cartOrEmpty(guest, cart, now);
        return isRefusal(base) ? base : { ...base, mergedInto: input.customerId };
      },
    },
    deps,
  );
  if (!claimed.ok) return claimed.refusal;
  const guestLines = claimed.cart?.lines ?? [];

  const merged = await changeCart(
    ctx,
    {
      ref: customer,
      ifMatch: input.ifMatch,
      operation: 'merge',
      change: (cart, now) => {
        const base = cartOrEmpty(customer, cart, now);
        return isRefusal(base) ? base : mergeLines(base, guestLines);
      },
    },
    deps,
  );
  // Released when the customer's cart refused the lines (stale If-Match, a checkout under way, too many products):
  // the guest cart is as it was. Emptied otherwise: it reads as gone, and its TTL removes it.
  const ownClaim = { ref: guest, operation: 'merge-guest', seeClaimed: true } as const;
  try {
    await changeCart(
      ctx,
      {
        ...ownClaim,
        change: (cart) => {
          if (cart?.mergedInto !== input.customerId) return undefined;
          if (merged.ok) return cart.lines.length === 0 ? cart : { ...cart, lines: [] };
          const { mergedInto: _released, ...unclaimed } = cart;
          return unclaimed;
        },
      },
      deps,
    );
  } catch (error) {
    // The merge itself is done (or refused); a claimed guest cart reads as gone and its TTL removes it.
    ctx.log.warn({ err: error }, 'a merged guest cart could not be emptied or released; its TTL removes it');
  }
  if (!merged.ok) return merged.refusal;
  return answerFor(ctx, { cart: merged.cart ?? emptyCart(customer, deps.clock.now()) }, deps);
}
