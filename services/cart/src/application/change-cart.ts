import { randomBytes } from 'node:crypto';
import { EtagMismatchError, entityTags, type HandlerContext } from '@shop/kit';
import { type CartRef, cartEtag, checkoutUnderWay, isRefusal, type Refusal, type StoredCart } from '../domain/cart';
import type { CartDeps, CartOperation } from './ports';

/**
 * What a change makes of the cart it is shown (undefined when the cart has no entry): the new cart, 'remove' to
 * delete the entry, a refusal, or undefined (or the very cart it was given) when there is nothing to write. It runs
 * again on every attempt, so it must depend on nothing but its arguments and what it closes over.
 */
export type CartChangeFn = (cart: StoredCart | undefined, now: Date) => StoredCart | 'remove' | Refusal | undefined;

export interface CartChange {
  ref: CartRef;
  /** The client's If-Match, as sent: it must name the cart's current ETag (`*`: any existing cart), else 412. */
  ifMatch?: string;
  operation: CartOperation;
  change: CartChangeFn;
  /**
   * The Idempotency-Key of the checkout whose lease this write belongs to: it writes through its own lease, which
   * refuses every other writer (409) until it expires.
   */
  leaseHolder?: string;
  /** The merge's own writes see a guest cart it has claimed (`mergedInto`); every other access finds it gone. */
  seeClaimed?: boolean;
}

export type CartChangeResult = { ok: true; cart: StoredCart | undefined } | { ok: false; refusal: Refusal };

/** Conditional saves lost to concurrent writers before the write gives up (503). */
export const maxWriteAttempts = 100;
const maxBackoffMs = 20;

/**
 * The one way a cart is written: read the entry, check the client's If-Match and the checkout lease, apply the
 * change, save on the state ETag just read (or only if still absent). A save that loses to another writer is
 * counted and tried again from the read, so concurrent writes of different lines all land, across replicas too;
 * only a client's own stale If-Match is refused.
 */
export async function changeCart(
  ctx: HandlerContext,
  input: CartChange,
  deps: Pick<CartDeps, 'carts' | 'metrics' | 'clock'>,
): Promise<CartChangeResult> {
  for (let attempt = 1; attempt <= maxWriteAttempts; attempt++) {
    const entry = await deps.carts.read(input.ref);
    const current = entry && (input.seeClaimed || entry.cart.mergedInto === undefined) ? entry.cart : undefined;
    if (input.ifMatch !== undefined && !ifMatchHolds(input.ifMatch, current)) {
      return { ok: false, refusal: stale() };
    }
    const now = deps.clock.now();
    if (current && checkoutUnderWay(current, now) && current.checkout?.idempotencyKey !== input.leaseHolder) {
      return { ok: false, refusal: checkoutInProgress() };
    }
    const next = input.change(current, now);
    if (isRefusal(next)) return { ok: false, refusal: next };
    if (next === undefined || next === current) return { ok: true, cart: current };
    try {
      if (next === 'remove') {
        if (!entry) return { ok: true, cart: undefined };
        await deps.carts.remove(input.ref, entry.etag);
        deps.metrics.written(input.operation);
        return { ok: true, cart: undefined };
      }
      const stamped: StoredCart = { ...next, revision: newRevision(), updatedAt: now.toISOString() };
      await deps.carts.write(input.ref, stamped, entry?.etag ?? 'absent');
      deps.metrics.written(input.operation);
      return { ok: true, cart: stamped };
    } catch (error) {
      if (!(error instanceof EtagMismatchError)) throw error;
      deps.metrics.conflictRetried();
      // A little random wait, growing with the attempts, so writers that collided do not collide again in step.
      await sleep(Math.random() * Math.min(maxBackoffMs, attempt * 2));
    }
  }
  ctx.log.warn({ cartRef: input.ref.kind, attempts: maxWriteAttempts }, 'cart write kept losing to other writers');
  return {
    ok: false,
    refusal: { refused: 'unavailable', detail: 'The cart is being changed by many writers at once; try again.' },
  };
}

/** If-Match (RFC 9110 §13.1.1), strong comparison: `*` needs an existing cart; a weak tag never matches. */
function ifMatchHolds(header: string, cart: StoredCart | undefined): boolean {
  const tags = entityTags(header);
  if (tags.includes('*')) return cart !== undefined;
  return tags.includes(cartEtag(cart));
}

/** A fresh revision: 12 random bytes, base64url (the HTTP ETag is it in quotes). */
function newRevision(): string {
  return randomBytes(12).toString('base64url');
}

const stale = (): Refusal => ({
  refused: 'precondition-failed',
  detail: 'The cart changed since the ETag in If-Match was issued; GET it again.',
});

const checkoutInProgress = (): Refusal => ({
  refused: 'conflict',
  detail: 'A checkout of this cart is in progress; try again once it has finished.',
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
