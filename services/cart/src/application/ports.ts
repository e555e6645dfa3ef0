import type { Money } from '@shop/contracts';

export type CartRef = { kind: 'customer'; customerId: string } | { kind: 'guest'; cartId: string };
export interface CartLine {
  productId: string;
  quantity: number;
  addedAt: string;
}
export interface CheckoutLease {
  idempotencyKey: string;
  requestHash: string;
  orderId: string;
  expiresAt: string;
}
export interface StoredCart {
  id: string;
  kind: 'customer' | 'guest';
  customerId?: string;
  lines: CartLine[];
  revision: string;
  createdAt: string;
  updatedAt: string;
  checkout?: CheckoutLease;
}
export interface CartStore {
  read(ref: CartRef): Promise<{ cart: StoredCart; etag: string } | undefined>;
  /** `expected`: the state ETag read, or 'absent'; throws EtagMismatchError when it no longer holds. */
  write(ref: CartRef, cart: StoredCart, expected: string | 'absent'): Promise<void>;
  remove(ref: CartRef, etag?: string): Promise<void>;
}
/** Current catalog and inventory facts for products (cart-projection owns the implementation). */
export interface ProductFacts {
  productId: string;
  sku: string;
  name: string;
  price: Money;
  status: 'active' | 'archived';
  available: number;
}
export interface ProductViews {
  /** Facts per id; ids the catalog does not know are absent from the map. One round trip once projected. */
  describe(productIds: string[]): Promise<Map<string, ProductFacts>>;
}
