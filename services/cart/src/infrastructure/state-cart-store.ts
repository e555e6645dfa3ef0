import type { StateStore } from '@shop/kit';
import type { CartRef, CartStore, StoredCart } from '../application/ports';

export interface StateCartStoreOptions {
  /** A guest cart's entry expires this long after its last write (GUEST_CART_TTL_DAYS in seconds). */
  guestCartTtlSeconds: number;
}

/** The state key of a cart, private to app id `cart`: customer carts by the token's customer id, guests by id. */
export function cartKey(ref: CartRef): string {
  return ref.kind === 'customer' ? `customer-cart:${ref.customerId}` : `guest-cart:${ref.cartId}`;
}

/**
 * Carts in the mesh state store (Redis beside daprd, in memory embedded), one entry per cart. Every write is
 * conditional: on the ETag read, or only if no entry exists (Dapr's first-write concurrency, so a creator never
 * overwrites a concurrent one). Guest carts get the TTL again on every write (30 days after the last change by
 * default); customer carts never expire.
 */
export class StateCartStore implements CartStore {
  constructor(
    private readonly state: StateStore,
    private readonly options: StateCartStoreOptions,
  ) {}

  async read(ref: CartRef): Promise<{ cart: StoredCart; etag: string } | undefined> {
    const entry = await this.state.get<StoredCart>(cartKey(ref));
    return entry && { cart: entry.value, etag: entry.etag };
  }

  async write(ref: CartRef, cart: StoredCart, expected: string | 'absent'): Promise<void> {
    await this.state.save(cartKey(ref), cart, {
      ...(expected === 'absent' ? { ifAbsent: true } : { etag: expected }),
      ...(ref.kind === 'guest' ? { ttlSeconds: this.options.guestCartTtlSeconds } : {}),
    });
  }

  async remove(ref: CartRef, etag?: string): Promise<void> {
    await this.state.delete(cartKey(ref), etag === undefined ? {} : { etag });
  }
}
