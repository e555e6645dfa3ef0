import type { EventEnvelope, Money } from '@shop/contracts';
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

// Another service did not answer: the kit's, shared with the reads of the owners it names.
export { DependencyUnavailableError } from '@shop/kit';

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
  /** A checkout answered, counted in `cart_checkouts_total{outcome}`. */
  checkedOut(outcome: CheckoutOutcome): void;
}

/** How a checkout ended: accepted by orders, replayed for a retried key, or why not. */
export type CheckoutOutcome =
  | 'accepted'
  | 'replayed'
  | 'empty'
  /** The cart as it is cannot be ordered: a line archived or above what is available, or too many products. */
  | 'unavailable'
  /** Another checkout holds the cart, or the key was used with another body. */
  | 'conflict'
  /** Orders refused the order. */
  | 'refused'
  /** Orders failed or could not be reached. */
  | 'unavailable_orders';

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

/** The parts of an order the checkout reads back from orders (the rest of its answer is passed on as it is). */
export interface PlacedOrder {
  id: string;
  items: Array<{ productId: string; quantity: number; unitPrice: Money }>;
  total: Money;
  /** When orders took it: the instant the cart was checked out. */
  createdAt: string;
}

export interface PlaceOrderRequest {
  items: Array<{ productId: string; quantity: number }>;
  shippingAddress: unknown;
  payment: unknown;
  /** The customer's own `Authorization` header: orders places the order for the token's customer. */
  authorization: string;
  /** Flows through: orders derives the order id from it, so a retry names the same order. */
  idempotencyKey: string;
  requestId?: string;
}

export type Placement =
  /** Orders took the order (202); `body` is its answer, passed on to the customer as it is. */
  | { outcome: 'accepted'; status: number; body: unknown; order: PlacedOrder }
  /** Orders refused the request (4xx) and said why in `body`. */
  | { outcome: 'refused'; status: number; body: unknown }
  /** Orders failed (5xx) or could not be reached: it may be retried. */
  | { outcome: 'unavailable'; reason: string };

/** The orders service, reached by service invocation (infrastructure/mesh-orders.ts). */
export interface Orders {
  place(request: PlaceOrderRequest): Promise<Placement>;
  /** The order as orders shows it (`body`), `absent` when orders does not know it, `unavailable` when it cannot say. */
  find(
    orderId: string,
    authorization: string,
  ): Promise<{ order: PlacedOrder; body: unknown } | 'absent' | 'unavailable'>;
}

/** What a customer's checkout under one Idempotency-Key answered: replayed for a retry with that key. */
export interface CheckoutRecord {
  /** Card-free fingerprint of the request body (the kit's hashRequest). */
  requestHash: string;
  status: number;
  body: unknown;
  orderId: string;
  /** What the cart's event says of the order, read from orders' answer. */
  order: PlacedOrder;
}

export interface CheckoutRecords {
  find(customerId: string, idempotencyKey: string): Promise<CheckoutRecord | undefined>;
  save(customerId: string, idempotencyKey: string, record: CheckoutRecord): Promise<void>;
}

/** Puts the cart's events on their topics (at least once: consumers drop a repeated id). */
export interface CartEvents {
  publish(topic: string, envelope: EventEnvelope): Promise<void>;
}
