import { v5 as nameBasedUuid } from 'uuid';

/** Which cart a request reaches: the caller's own (by the token's customer id) or a guest cart (by its secret id). */
export type CartRef = { kind: 'customer'; customerId: string } | { kind: 'guest'; cartId: string };

export interface CartLine {
  productId: string;
  quantity: number;
  addedAt: string;
}

/** A checkout under way: while it has not expired, no other write reaches the cart (409). */
export interface CheckoutLease {
  idempotencyKey: string;
  requestHash: string;
  orderId: string;
  expiresAt: string;
}

/** A dropped lease, its order possibly still to be taken by orders (StoredCart.releasedCheckouts). */
export interface ReleasedCheckout extends Omit<CheckoutLease, 'expiresAt'> {
  releasedAt: string;
}

/** How many released checkouts a cart remembers. */
export const maxReleasedCheckouts = 5;
/**
 * How long after its release orders is still asked about a released checkout's order on the cart's accesses. Orders
 * works on a placement for seconds, a request lasting minutes at most; past this the order is taken to be absent.
 */
export const releasedCheckoutWatchMs = 15 * 60_000;

/** The released checkouts orders is still to be asked about at `now`. */
export function releasedCheckoutsToAsk(cart: StoredCart | undefined, now: Date): ReleasedCheckout[] {
  return (cart?.releasedCheckouts ?? []).filter(
    (released) => Date.parse(released.releasedAt) + releasedCheckoutWatchMs > now.getTime(),
  );
}

/** One cart as one state entry. `revision` is new on every write; the HTTP ETag is `"<revision>"`. */
export interface StoredCart {
  id: string;
  kind: 'customer' | 'guest';
  customerId?: string;
  lines: CartLine[];
  revision: string;
  createdAt: string;
  updatedAt: string;
  checkout?: CheckoutLease;
  /**
   * Leases dropped before orders said it had their order (an expired lease settled while orders was still working,
   * or orders unreachable): orders may yet take one, and then its answer, or a later access asking orders, still
   * takes its lines out, once, removing the entry. The newest few are kept (releases are rare).
   */
  releasedCheckouts?: ReleasedCheckout[];
  /**
   * Set on a guest cart, by a conditional write, before its lines are added to this customer's cart: a second merge
   * of it, or any other access, then finds it gone (404), and no line is added twice. The entry stays, emptied, until
   * its TTL ends it: deleted, a writer that read it before the claim could bring it back (state.redis lets a save
   * with an ETag through onto a missing key), and it could be merged again.
   */
  mergedInto?: string;
}

/** Why a change was not made; the HTTP layer turns it into a problem document (400, 404, 409, 412, 503). */
export interface Refusal {
  refused: 'invalid' | 'not-found' | 'conflict' | 'precondition-failed' | 'unavailable';
  detail: string;
  /** The request fields the refusal is about, e.g. `body.quantity`. */
  errors?: Array<{ path: string; message: string }>;
}

export const minQuantity = 1;
export const maxQuantity = 99;
/** Distinct products one cart holds: bounds the state entry (and every read of it). */
export const maxLines = 100;
/** The revision (and ETag) of a cart that has no entry yet. */
export const emptyRevision = 'empty';

export function isRefusal(value: unknown): value is Refusal {
  return typeof value === 'object' && value !== null && 'refused' in value;
}

// Fixed once: changing it would give every customer a new cart id.
const customerCartNamespace = '0d4f5f0e-7a53-4c52-9a6e-2f1c8b3d5e71';

/** A customer's cart id: name-based (RFC 9562 v5), so a cart not written yet already answers with its id. */
export function customerCartId(customerId: string): string {
  return nameBasedUuid(customerId, customerCartNamespace);
}

/** A guest cart id from 16 random bytes (128 bits: the id is the cart's bearer secret), as 8-4-4-4-12 hex. */
export function guestCartId(randomBytes: Uint8Array): string {
  if (randomBytes.length !== 16) throw new Error('a guest cart id is 16 random bytes');
  const hex = Buffer.from(randomBytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const guestCartIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The guest cart id a path names, as stored (lowercase), or undefined when it cannot be one we issued. */
export function parseGuestCartId(raw: string | undefined): string | undefined {
  const id = raw?.toLowerCase();
  return id !== undefined && guestCartIdPattern.test(id) ? id : undefined;
}

/** The cart a ref names before anything was written to it. */
export function emptyCart(ref: CartRef, now: Date): StoredCart {
  const at = now.toISOString();
  const base = { lines: [], revision: emptyRevision, createdAt: at, updatedAt: at };
  return ref.kind === 'customer'
    ? { id: customerCartId(ref.customerId), kind: 'customer', customerId: ref.customerId, ...base }
    : { id: ref.cartId, kind: 'guest', ...base };
}

/** The strong HTTP ETag of a cart (of `"empty"` when it has no entry). */
export function cartEtag(cart: StoredCart | undefined): string {
  return `"${cart?.revision ?? emptyRevision}"`;
}

export function quantityRefusal(quantity: number): Refusal | undefined {
  if (Number.isInteger(quantity) && quantity >= minQuantity && quantity <= maxQuantity) return undefined;
  return {
    refused: 'invalid',
    detail: `A quantity is an integer from ${minQuantity} to ${maxQuantity}.`,
    errors: [{ path: 'body.quantity', message: `must be an integer from ${minQuantity} to ${maxQuantity}` }],
  };
}

const tooManyLines = (): Refusal => ({
  refused: 'conflict',
  detail: `A cart holds at most ${maxLines} different products.`,
});

/** The cart with `productId` at `quantity` (replacing its quantity when the line exists, appended otherwise). */
export function setLine(cart: StoredCart, productId: string, quantity: number, now: Date): StoredCart | Refusal {
  const wrongQuantity = quantityRefusal(quantity);
  if (wrongQuantity) return wrongQuantity;
  const existing = cart.lines.find((line) => line.productId === productId);
  if (existing) {
    if (existing.quantity === quantity) return cart;
    return { ...cart, lines: cart.lines.map((line) => (line === existing ? { ...line, quantity } : line)) };
  }
  if (cart.lines.length >= maxLines) return tooManyLines();
  return { ...cart, lines: [...cart.lines, { productId, quantity, addedAt: now.toISOString() }] };
}

/** The cart without the product's line; the same cart when it has none. */
export function removeLine(cart: StoredCart, productId: string): StoredCart {
  const lines = cart.lines.filter((line) => line.productId !== productId);
  return lines.length === cart.lines.length ? cart : { ...cart, lines };
}

/**
 * The customer's cart with a guest cart's lines added: a product in both gets the sum of its quantities, capped at
 * the maximum; a product only in the guest cart keeps the time it was added there.
 */
export function mergeLines(customerCart: StoredCart, guestLines: CartLine[]): StoredCart | Refusal {
  const lines = customerCart.lines.map((line) => ({ ...line }));
  for (const guestLine of guestLines) {
    const existing = lines.find((line) => line.productId === guestLine.productId);
    if (existing) existing.quantity = Math.min(maxQuantity, existing.quantity + guestLine.quantity);
    else lines.push({ ...guestLine, quantity: Math.min(maxQuantity, guestLine.quantity) });
  }
  if (lines.length > maxLines) return tooManyLines();
  return { ...customerCart, lines };
}

/** Whether a checkout holds the cart at `now` (an expired lease no longer does). */
export function checkoutUnderWay(cart: StoredCart | undefined, now: Date): boolean {
  return cart?.checkout !== undefined && Date.parse(cart.checkout.expiresAt) > now.getTime();
}

/** Sum of the quantities: what the answer calls `itemCount`. */
export function itemCount(cart: StoredCart | undefined): number {
  return cart?.lines.reduce((sum, line) => sum + line.quantity, 0) ?? 0;
}

const noSuchCart = (): Refusal => ({
  refused: 'not-found',
  detail: 'No cart has this id: it never existed, expired, was merged or was deleted.',
});

/**
 * The cart a change or a read starts from: the stored one; for a customer without one yet an empty cart (every
 * customer has a cart); a guest cart without an entry does not exist (unknown, expired, merged or deleted).
 */
export function cartOrEmpty(ref: CartRef, cart: StoredCart | undefined, now: Date): StoredCart | Refusal {
  if (cart) return cart;
  return ref.kind === 'customer' ? emptyCart(ref, now) : noSuchCart();
}
