import type { CartRef, StoredCart } from '../domain/cart';
import type { ProductFacts } from '../domain/product-facts';
import type { ProductChange, ProjectedStock } from '../domain/product-projection';

// The cart's own shapes live in the domain (which imports nothing outward); the other cart modules take them from here.
export type { CartLine, CartRef, CheckoutLease, StoredCart } from '../domain/cart';
export type { ProductFacts } from '../domain/product-facts';

export interface CartStore {
  read(ref: CartRef): Promise<{ cart: StoredCart; etag: string } | undefined>;
  /** `expected`: the state ETag read, or 'absent'; throws EtagMismatchError when it no longer holds. */
  write(ref: CartRef, cart: StoredCart, expected: string | 'absent'): Promise<void>;
  remove(ref: CartRef, etag?: string): Promise<void>;
}

export interface ProductViews {
  /** Facts per id; ids the catalog does not know are absent from the map. One round trip once projected. */
  describe(productIds: string[]): Promise<Map<string, ProductFacts>>;
}

/**
 * The write side of the same projection: what the catalog's and inventory's events say. Each change is kept only
 * when it is newer than the stored entry (domain/product-projection.ts), so deliveries may come in any order and
 * more than once.
 */
export interface ProductProjection {
  applyProduct(change: ProductChange): Promise<void>;
  applyStock(stock: ProjectedStock): Promise<void>;
}

/** Another service the answer depends on did not answer (or not sensibly): the request may be tried again. */
export class DependencyUnavailableError extends Error {
  constructor(
    readonly dependency: string,
    reason: string,
  ) {
    super(`${dependency} is unavailable: ${reason}`);
    this.name = 'DependencyUnavailableError';
  }
}

/** The orders service (cart-checkout owns the implementation: mesh invocation). */
export interface Orders {
  place(input: {
    items: { productId: string; quantity: number }[];
    shippingAddress: unknown;
    payment: unknown;
    authorization: string;
    idempotencyKey: string;
  }): Promise<{ status: number; body: unknown }>;
  find(orderId: string, authorization: string): Promise<'exists' | 'absent'>;
}

/** What every cart write is counted as in `cart_writes_total{operation}`. */
export type CartOperation =
  | 'create'
  | 'set-line'
  | 'remove-line'
  | 'clear'
  /** A guest cart's lines added to the customer's. */
  | 'merge'
  /** The merged guest cart claimed, released (the merge was refused) or deleted. */
  | 'merge-guest'
  | 'checkout';

/** The service's counters, as the application sees them (prom-client behind it). */
export interface CartMetrics {
  written(operation: CartOperation): void;
  /** A conditional save lost to a concurrent writer and is tried again from the read. */
  conflictRetried(): void;
}

export interface Clock {
  now(): Date;
}

/** What the cart's use cases are handed (service.ts wires it). */
export interface CartDeps {
  carts: CartStore;
  products: ProductViews;
  metrics: CartMetrics;
  clock: Clock;
  /** GUEST_CART_TTL_DAYS in seconds: a guest cart's entry expires this long after its last write. */
  guestCartTtlSeconds: number;
  /** CART_CHECKOUT_LEASE_SECONDS. */
  checkoutLeaseSeconds: number;
}
