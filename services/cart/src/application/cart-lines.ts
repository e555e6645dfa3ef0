import type { HandlerContext } from '@shop/kit';
import { type CartRef, cartOrEmpty, emptyCart, isRefusal, type Refusal, removeLine, setLine } from '../domain/cart';
import { changeCart } from './change-cart';
import type { CartDeps } from './ports';
import { answerFor, type CartAnswer } from './show-cart';

export interface SetCartLine {
  ref: CartRef;
  productId: string;
  quantity: number;
  ifMatch?: string;
}

/**
 * Puts a product in the cart at a quantity (replacing the line's quantity). The product must be known and active
 * (else 404) and the quantity within inventory's current `available` (else 409 naming body.quantity).
 */
export async function setCartLine(
  ctx: HandlerContext,
  input: SetCartLine,
  deps: CartDeps,
): Promise<CartAnswer | Refusal> {
  const product = (await deps.products.describe([input.productId])).get(input.productId);
  if (!product || product.status === 'archived') {
    return {
      refused: 'not-found',
      detail: product ? 'This product is no longer sold.' : 'No product has this id.',
      errors: [{ path: 'params.productId', message: product ? 'names an archived product' : 'names no product' }],
    };
  }
  if (input.quantity > product.available) {
    return {
      refused: 'conflict',
      detail: `Only ${product.available} of this product are available.`,
      errors: [{ path: 'body.quantity', message: `is more than the ${product.available} available` }],
    };
  }
  const written = await changeCart(
    ctx,
    {
      ref: input.ref,
      ifMatch: input.ifMatch,
      operation: 'set-line',
      change: (cart, now) => {
        const base = cartOrEmpty(input.ref, cart, now);
        return isRefusal(base) ? base : setLine(base, input.productId, input.quantity, now);
      },
    },
    deps,
  );
  if (!written.ok) return written.refusal;
  return answerFor(ctx, { cart: written.cart ?? emptyCart(input.ref, deps.clock.now()) }, deps);
}

/** Takes a product out of the cart; a product not in it leaves the cart as it is (200, same ETag). */
export async function removeCartLine(
  ctx: HandlerContext,
  input: { ref: CartRef; productId: string; ifMatch?: string },
  deps: CartDeps,
): Promise<CartAnswer | Refusal> {
  const written = await changeCart(
    ctx,
    {
      ref: input.ref,
      ifMatch: input.ifMatch,
      operation: 'remove-line',
      change: (cart, now) => {
        const base = cartOrEmpty(input.ref, cart, now);
        if (isRefusal(base)) return base;
        // A customer's cart that has no entry stays without one.
        return cart === undefined ? undefined : removeLine(base, input.productId);
      },
    },
    deps,
  );
  if (!written.ok) return written.refusal;
  return answerFor(ctx, { cart: written.cart ?? emptyCart(input.ref, deps.clock.now()) }, deps);
}

/**
 * Empties a customer's cart (204; written empty, not deleted, so a writer that read it before cannot bring its lines
 * back: state.redis lets a save with an ETag through onto a missing key), or deletes a guest cart (its id reaches
 * nothing afterwards). Not while a checkout holds the cart.
 */
export async function deleteCart(
  ctx: HandlerContext,
  input: { ref: CartRef; ifMatch?: string },
  deps: CartDeps,
): Promise<Refusal | undefined> {
  const written = await changeCart(
    ctx,
    {
      ref: input.ref,
      ifMatch: input.ifMatch,
      operation: 'clear',
      change: (cart, now) => {
        const base = cartOrEmpty(input.ref, cart, now);
        if (isRefusal(base)) return base; // an unknown guest cart
        if (cart === undefined) return undefined; // a customer's cart never written is empty already
        if (input.ref.kind === 'guest') return 'remove';
        return cart.lines.length === 0 ? cart : { ...cart, lines: [] };
      },
    },
    deps,
  );
  return written.ok ? undefined : written.refusal;
}
