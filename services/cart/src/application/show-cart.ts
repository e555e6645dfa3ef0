import type { HandlerContext } from '@shop/kit';
import { type CartRef, cartEtag, cartOrEmpty, isRefusal, type Refusal, type StoredCart } from '../domain/cart';
import { type CartView, cartView } from '../domain/cart-view';
import type { CartDeps } from './ports';

/** A cart as answered: the view and its strong ETag. */
export interface CartAnswer {
  view: CartView;
  etag: string;
}

/** The cart a ref names (a customer's empty cart when none was written yet; an unknown guest cart is refused). */
export async function showCart(
  ctx: HandlerContext,
  input: { ref: CartRef },
  deps: Pick<CartDeps, 'carts' | 'products' | 'clock' | 'guestCartTtlSeconds'>,
): Promise<CartAnswer | Refusal> {
  const entry = await deps.carts.read(input.ref);
  // A guest cart claimed by a merge is as good as gone.
  const stored = entry && entry.cart.mergedInto === undefined ? entry.cart : undefined;
  const cart = cartOrEmpty(input.ref, stored, deps.clock.now());
  if (isRefusal(cart)) return cart;
  return answerFor(ctx, { cart }, deps);
}

/**
 * The answer for a cart just read or written: its products' current facts in one round trip (the projection),
 * and its ETag (`"empty"` for a customer's cart not written yet).
 */
export async function answerFor(
  _ctx: HandlerContext,
  input: { cart: StoredCart },
  deps: Pick<CartDeps, 'products' | 'guestCartTtlSeconds'>,
): Promise<CartAnswer> {
  const facts = await deps.products.describe(input.cart.lines.map((line) => line.productId));
  return {
    view: cartView(input.cart, facts, { guestCartTtlSeconds: deps.guestCartTtlSeconds }),
    etag: cartEtag(input.cart),
  };
}
