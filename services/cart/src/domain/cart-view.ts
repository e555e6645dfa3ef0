import type { Money } from '@shop/contracts';
import { emptyRevision, type StoredCart } from './cart';
import type { ProductFacts } from './product-facts';

export interface CartItemView {
  productId: string;
  sku: string;
  name: string;
  quantity: number;
  unitPrice: Money;
  lineTotal: Money;
  /** Inventory's current available count; 0 for an archived product. */
  available: number;
  status: 'active' | 'archived';
}

/** The cart as the API answers it: the catalog's current names and prices, inventory's current availability. */
export interface CartView {
  id: string;
  items: CartItemView[];
  total: Money;
  /** The sum of the quantities. */
  itemCount: number;
  /**
   * When the cart was last written; for a cart never written, the instant of the answer (the contract's timestamps
   * are strings, and the empty cart is as of then).
   */
  updatedAt: string;
  /** A guest cart's end, unless it is written again before (every write moves it). */
  expiresAt?: string;
}

// Orders' rule (an order's total is in its first line's currency; orders refuses mixed currencies).
const defaultCurrency = 'EUR';

/**
 * The answer for a cart, from the facts known of its products. A line whose product the catalog does not know
 * (which a write never lets in) is left out rather than shown without a price.
 */
export function cartView(
  cart: StoredCart,
  facts: ReadonlyMap<string, ProductFacts>,
  options: { guestCartTtlSeconds: number },
): CartView {
  const items: CartItemView[] = [];
  for (const line of cart.lines) {
    const product = facts.get(line.productId);
    if (!product) continue;
    items.push({
      productId: line.productId,
      sku: product.sku,
      name: product.name,
      quantity: line.quantity,
      unitPrice: product.price,
      lineTotal: { amount: product.price.amount * line.quantity, currency: product.price.currency },
      available: product.status === 'archived' ? 0 : Math.max(0, product.available),
      status: product.status,
    });
  }
  const currency = items[0]?.unitPrice.currency ?? defaultCurrency;
  const written = cart.revision !== emptyRevision;
  return {
    id: cart.id,
    items,
    total: { amount: items.reduce((sum, item) => sum + item.lineTotal.amount, 0), currency },
    itemCount: items.reduce((sum, item) => sum + item.quantity, 0),
    updatedAt: cart.updatedAt,
    ...(cart.kind === 'guest' && written
      ? { expiresAt: new Date(Date.parse(cart.updatedAt) + options.guestCartTtlSeconds * 1000).toISOString() }
      : {}),
  };
}
