import { randomUUID } from 'node:crypto';
import { createLogger, EtagMismatchError, type HandlerContext, type StateStore } from '@shop/kit';
import { Registry } from 'prom-client';
import { deleteCart, setCartLine } from '../../src/application/cart-lines';
import { changeCart } from '../../src/application/change-cart';
import { createGuestCart, mergeGuestCart } from '../../src/application/guest-carts';
import type { CartDeps, CartRef } from '../../src/application/ports';
import { type CartAnswer, showCart } from '../../src/application/show-cart';
import { emptyCart, isRefusal, type Refusal } from '../../src/domain/cart';
import { cartMetricsIn } from '../../src/infrastructure/cart-metrics';
import { StateCartStore } from '../../src/infrastructure/state-cart-store';
import { StateProductProjection } from '../../src/infrastructure/state-product-projection';

/** The state of app `cart` as two replicas of the service see it: two stores over the same entries. */
export interface CartState {
  replicas: [StateStore, StateStore];
  stop(): Promise<void>;
}

const log = createLogger({ name: 'cart-store-contract', level: 'fatal' });
const ctx: HandlerContext = { log };
const day = 86_400;

/** A clock the lease tests move; otherwise the real time (the state store's TTLs run on it). */
class TestClock {
  offsetMs = 0;
  now = () => new Date(Date.now() + this.offsetMs);
}

// Every product a test uses is projected first (the write side of the projection, as the events do), so the
// projection never has to ask the catalog or inventory: asking them would fail the test.
const ownersNeverAsked = {
  catalog: {
    lookUp: async (ids: string[]) => {
      throw new Error(`the catalog was asked for ${ids.join(', ')}: the test did not project it`);
    },
  },
  inventory: {
    levelsOf: async (id: string) => {
      throw new Error(`inventory was asked for ${id}: the test did not project it`);
    },
  },
};

function depsOver(state: StateStore, registry: Registry, clock: TestClock, guestCartTtlSeconds = 30 * day): CartDeps {
  return {
    carts: new StateCartStore(state, { guestCartTtlSeconds }),
    products: new StateProductProjection({ state, ...ownersNeverAsked, log }),
    metrics: cartMetricsIn(registry),
    clock,
    guestCartTtlSeconds,
    checkoutLeaseSeconds: 60,
  };
}

async function projectProducts(state: StateStore, count: number, available = 50): Promise<string[]> {
  const projection = new StateProductProjection({ state, ...ownersNeverAsked, log });
  const ids = Array.from({ length: count }, () => randomUUID());
  await Promise.all(
    ids.map(async (productId, index) => {
      await projection.applyProduct({
        kind: 'facts',
        product: {
          productId,
          sku: `SKU-${index}`,
          name: `Product ${index}`,
          price: { amount: 100 * (index + 1), currency: 'EUR' },
          status: 'active',
          updatedAt: new Date().toISOString(),
        },
      });
      await projection.applyStock({ productId, available, version: 1 });
    }),
  );
  return ids;
}

async function counted(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values
    .filter((value) => Object.entries(labels).every(([label, wanted]) => value.labels[label] === wanted))
    .reduce((sum, value) => sum + value.value, 0);
}

function answered(result: CartAnswer | Refusal): CartAnswer {
  if (isRefusal(result)) throw new Error(`refused (${result.refused}): ${result.detail}`);
  return result;
}

const customer = (): CartRef => ({ kind: 'customer', customerId: `customer-${randomUUID()}` });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const quantities = (answer: CartAnswer) =>
  Object.fromEntries(answer.view.items.map((item) => [item.productId, item.quantity]));

/**
 * What the cart's state-backed store and its one write loop promise, run against one state store (the embedded
 * one, or state.redis through a real daprd).
 */
export function cartStoreContract(adapter: string, start: () => Promise<CartState>, startTimeoutMs = 60_000): void {
  describe(`carts in the ${adapter} state store`, () => {
    let state: CartState | undefined;
    let registry: Registry;
    let clock: TestClock;
    let deps: CartDeps;
    const replica = (index: 0 | 1) => {
      if (!state) throw new Error('the state store did not start');
      return state.replicas[index];
    };

    beforeAll(async () => {
      state = await start();
    }, startTimeoutMs);
    afterAll(() => state?.stop(), 30_000);
    beforeEach(() => {
      registry = new Registry();
      clock = new TestClock();
      deps = depsOver(replica(0), registry, clock);
    });

    describe('conditional writes', () => {
      it('creates a cart only where none exists', async () => {
        const ref = customer();
        const cart = { ...emptyCart(ref, new Date()), revision: 'first' };
        await deps.carts.write(ref, cart, 'absent');
        await expect(deps.carts.write(ref, { ...cart, revision: 'second' }, 'absent')).rejects.toBeInstanceOf(
          EtagMismatchError,
        );
        expect((await deps.carts.read(ref))?.cart.revision).toBe('first');
      });

      it('refuses a save on a state ETag that has changed since it was read', async () => {
        const ref = customer();
        await deps.carts.write(ref, { ...emptyCart(ref, new Date()), revision: 'first' }, 'absent');
        const read = await deps.carts.read(ref);
        if (!read) throw new Error('the cart was not stored');
        await deps.carts.write(ref, { ...read.cart, revision: 'second' }, read.etag);
        await expect(deps.carts.write(ref, { ...read.cart, revision: 'third' }, read.etag)).rejects.toBeInstanceOf(
          EtagMismatchError,
        );
        expect((await deps.carts.read(ref))?.cart.revision).toBe('second');
      });

      it('keeps all 20 lines written to one cart at once, retrying the saves that lost the race', async () => {
        const ref = customer();
        const products = await projectProducts(replica(0), 20);
        const results = await Promise.all(
          products.map((productId, index) => setCartLine(ctx, { ref, productId, quantity: index + 1 }, deps)),
        );
        expect(results.filter(isRefusal)).toEqual([]);
        const cart = answered(await showCart(ctx, { ref }, deps));
        expect(quantities(cart)).toEqual(Object.fromEntries(products.map((id, index) => [id, index + 1])));
        expect(await counted(registry, 'cart_writes_total', { operation: 'set-line' })).toBe(20);
        // They all read the cart before most of them saved: the losers were counted and tried again.
        expect(await counted(registry, 'cart_conflicts_retried_total')).toBeGreaterThan(0);
      });

      it('keeps all 20 lines written at once through two replicas', async () => {
        const ref = customer();
        const products = await projectProducts(replica(0), 20);
        const replicas = [deps, depsOver(replica(1), registry, clock)];
        const results = await Promise.all(
          products.map((productId, index) =>
            setCartLine(ctx, { ref, productId, quantity: 1 + (index % 5) }, replicas[index % 2] as CartDeps),
          ),
        );
        expect(results.filter(isRefusal)).toEqual([]);
        for (const reader of replicas) {
          const cart = answered(await showCart(ctx, { ref }, reader));
          expect(quantities(cart)).toEqual(Object.fromEntries(products.map((id, index) => [id, 1 + (index % 5)])));
        }
        expect(await counted(registry, 'cart_writes_total', { operation: 'set-line' })).toBe(20);
      });

      it("refuses only a client's own stale If-Match (412), leaving the cart as it was", async () => {
        const ref = customer();
        const [first, second] = await projectProducts(replica(0), 2);
        if (!first || !second) throw new Error('no products');
        // Nothing written yet: the cart's ETag is "empty", and `*` needs an existing cart.
        expect(await setCartLine(ctx, { ref, productId: first, quantity: 1, ifMatch: '*' }, deps)).toMatchObject({
          refused: 'precondition-failed',
        });
        const created = answered(
          await setCartLine(ctx, { ref, productId: first, quantity: 1, ifMatch: '"empty"' }, deps),
        );
        const changed = answered(
          await setCartLine(ctx, { ref, productId: first, quantity: 2, ifMatch: `W/"x", ${created.etag}` }, deps),
        );
        expect(changed.etag).not.toBe(created.etag);
        expect(
          await setCartLine(ctx, { ref, productId: second, quantity: 1, ifMatch: created.etag }, deps),
        ).toMatchObject({ refused: 'precondition-failed' });
        // A weak tag of the current version does not match either (strong comparison).
        expect(
          await setCartLine(ctx, { ref, productId: second, quantity: 1, ifMatch: `W/${changed.etag}` }, deps),
        ).toMatchObject({ refused: 'precondition-failed' });
        const now = answered(await showCart(ctx, { ref }, deps));
        expect(now.etag).toBe(changed.etag);
        expect(quantities(now)).toEqual({ [first]: 2 });
        answered(await setCartLine(ctx, { ref, productId: second, quantity: 1, ifMatch: '*' }, deps));
      });

      it('refuses other writers while a checkout lease holds the cart (409), lets its holder write, and frees it on expiry', async () => {
        const ref = customer();
        const [product] = await projectProducts(replica(0), 1);
        if (!product) throw new Error('no product');
        answered(await setCartLine(ctx, { ref, productId: product, quantity: 1 }, deps));
        const leased = await changeCart(
          ctx,
          {
            ref,
            operation: 'checkout',
            change: (cart, now) =>
              cart && {
                ...cart,
                checkout: {
                  idempotencyKey: 'key-1',
                  requestHash: 'hash',
                  orderId: randomUUID(),
                  expiresAt: new Date(now.getTime() + 60_000).toISOString(),
                },
              },
          },
          deps,
        );
        expect(leased.ok).toBe(true);
        expect(await setCartLine(ctx, { ref, productId: product, quantity: 2 }, deps)).toMatchObject({
          refused: 'conflict',
        });
        expect(await deleteCart(ctx, { ref }, deps)).toMatchObject({ refused: 'conflict' });
        const byHolder = await changeCart(
          ctx,
          { ref, operation: 'checkout', leaseHolder: 'key-1', change: (cart) => cart && { ...cart, lines: [] } },
          deps,
        );
        expect(byHolder).toMatchObject({ ok: true, cart: { lines: [] } });
        clock.offsetMs = 61_000;
        answered(await setCartLine(ctx, { ref, productId: product, quantity: 3 }, deps));
      });
    });

    describe('guest carts', () => {
      it('opens a guest cart under 128 random bits, reachable by its id only', async () => {
        const opened = answered(await createGuestCart(ctx, {}, deps));
        expect(opened.view.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        expect(opened.view).toMatchObject({ items: [], itemCount: 0 });
        const read = answered(await showCart(ctx, { ref: { kind: 'guest', cartId: opened.view.id } }, deps));
        expect(read.etag).toBe(opened.etag);
        expect(await showCart(ctx, { ref: { kind: 'guest', cartId: randomUUID() } }, deps)).toMatchObject({
          refused: 'not-found',
        });
      });

      it('expires a guest cart its TTL after its last write, and never a customer cart', async () => {
        const ttlSeconds = 2;
        const shortLived = depsOver(replica(0), registry, clock, ttlSeconds);
        const [product] = await projectProducts(replica(0), 1);
        if (!product) throw new Error('no product');
        const guest: CartRef = { kind: 'guest', cartId: answered(await createGuestCart(ctx, {}, shortLived)).view.id };
        const owner = customer();
        answered(await setCartLine(ctx, { ref: owner, productId: product, quantity: 1 }, shortLived));
        await sleep(1_200);
        // A write moves the end: the TTL counts from the last change.
        const written = answered(await setCartLine(ctx, { ref: guest, productId: product, quantity: 2 }, shortLived));
        expect(Date.parse(written.view.expiresAt ?? '')).toBeGreaterThan(Date.now() + 1_500);
        await sleep(1_200);
        expect(quantities(answered(await showCart(ctx, { ref: guest }, shortLived)))).toEqual({ [product]: 2 });
        await sleep(2_300);
        expect(await showCart(ctx, { ref: guest }, shortLived)).toMatchObject({ refused: 'not-found' });
        expect(await shortLived.carts.read(guest)).toBeUndefined();
        expect(quantities(answered(await showCart(ctx, { ref: owner }, shortLived)))).toEqual({ [product]: 1 });
      }, 20_000);

      it('deletes a guest cart: its id reaches nothing afterwards', async () => {
        const guest: CartRef = { kind: 'guest', cartId: answered(await createGuestCart(ctx, {}, deps)).view.id };
        expect(await deleteCart(ctx, { ref: guest }, deps)).toBeUndefined();
        expect(await showCart(ctx, { ref: guest }, deps)).toMatchObject({ refused: 'not-found' });
        expect(await deleteCart(ctx, { ref: guest }, deps)).toMatchObject({ refused: 'not-found' });
      });
    });

    describe('merging a guest cart into a customer cart', () => {
      async function guestCartWith(lines: Array<[string, number]>): Promise<string> {
        const cartId = answered(await createGuestCart(ctx, {}, deps)).view.id;
        for (const [productId, quantity] of lines) {
          answered(await setCartLine(ctx, { ref: { kind: 'guest', cartId }, productId, quantity }, deps));
        }
        return cartId;
      }

      it('adds the lines (quantities summed, capped at 99); the guest cart is gone and cannot be merged again', async () => {
        const [a, b, c] = await projectProducts(replica(0), 3, 500);
        if (!a || !b || !c) throw new Error('no products');
        const owner = customer();
        answered(await setCartLine(ctx, { ref: owner, productId: a, quantity: 60 }, deps));
        answered(await setCartLine(ctx, { ref: owner, productId: b, quantity: 1 }, deps));
        const cartId = await guestCartWith([
          [a, 50],
          [c, 4],
          [b, 2],
        ]);
        const customerId = owner.kind === 'customer' ? owner.customerId : '';
        const merged = answered(await mergeGuestCart(ctx, { customerId, cartId }, deps));
        expect(quantities(merged)).toEqual({ [a]: 99, [b]: 3, [c]: 4 });
        expect(merged.view.items.map((item) => item.productId)).toEqual([a, b, c]);
        expect(await showCart(ctx, { ref: { kind: 'guest', cartId } }, deps)).toMatchObject({ refused: 'not-found' });
        expect(await mergeGuestCart(ctx, { customerId, cartId }, deps)).toMatchObject({ refused: 'not-found' });
        // Nor can it be written to again.
        expect(
          await setCartLine(ctx, { ref: { kind: 'guest', cartId }, productId: a, quantity: 1 }, deps),
        ).toMatchObject({ refused: 'not-found' });
        expect(quantities(answered(await showCart(ctx, { ref: owner }, deps)))).toEqual({ [a]: 99, [b]: 3, [c]: 4 });
      });

      it('refuses an unknown guest cart (404)', async () => {
        expect(await mergeGuestCart(ctx, { customerId: 'someone', cartId: randomUUID() }, deps)).toMatchObject({
          refused: 'not-found',
        });
      });

      it('merges a guest cart once when two merges of it run at once, through two replicas', async () => {
        const [a] = await projectProducts(replica(0), 1);
        if (!a) throw new Error('no product');
        const cartId = await guestCartWith([[a, 5]]);
        const customerId = `customer-${randomUUID()}`;
        const other = depsOver(replica(1), registry, clock);
        const results = await Promise.all([
          mergeGuestCart(ctx, { customerId, cartId }, deps),
          mergeGuestCart(ctx, { customerId, cartId }, other),
        ]);
        expect(results.filter(isRefusal)).toEqual([expect.objectContaining({ refused: 'not-found' })]);
        const cart = answered(await showCart(ctx, { ref: { kind: 'customer', customerId } }, deps));
        expect(quantities(cart)).toEqual({ [a]: 5 });
      });

      it('loses no accepted guest write to a merge running at the same time: each is merged or refused 404', async () => {
        const products = await projectProducts(replica(0), 10);
        const cartId = await guestCartWith([]);
        const customerId = `customer-${randomUUID()}`;
        const other = depsOver(replica(1), registry, clock);
        const guest: CartRef = { kind: 'guest', cartId };
        const accepted: string[] = [];
        let merging: Promise<CartAnswer | Refusal> | undefined;
        // The guest keeps adding products; the merge starts (through the other replica) once three are in.
        for (const [index, productId] of products.entries()) {
          if (index === 3) merging = mergeGuestCart(ctx, { customerId, cartId }, other);
          const written = await setCartLine(ctx, { ref: guest, productId, quantity: 1 }, deps);
          if (isRefusal(written)) expect(written).toMatchObject({ refused: 'not-found' });
          else accepted.push(productId);
        }
        answered(await (merging as Promise<CartAnswer | Refusal>));
        expect(accepted.length).toBeGreaterThanOrEqual(3);
        expect(
          await setCartLine(ctx, { ref: guest, productId: products[0] as string, quantity: 2 }, deps),
        ).toMatchObject({
          refused: 'not-found',
        });
        const cart = answered(await showCart(ctx, { ref: { kind: 'customer', customerId } }, deps));
        expect(Object.keys(quantities(cart)).sort()).toEqual([...accepted].sort());
      });

      it('leaves the guest cart as it was when the customer cart refuses the lines', async () => {
        const [a] = await projectProducts(replica(0), 1);
        if (!a) throw new Error('no product');
        const cartId = await guestCartWith([[a, 2]]);
        const owner = customer();
        const customerId = owner.kind === 'customer' ? owner.customerId : '';
        const current = answered(await setCartLine(ctx, { ref: owner, productId: a, quantity: 1 }, deps));
        answered(await setCartLine(ctx, { ref: owner, productId: a, quantity: 3 }, deps));
        expect(await mergeGuestCart(ctx, { customerId, cartId, ifMatch: current.etag }, deps)).toMatchObject({
          refused: 'precondition-failed',
        });
        expect(quantities(answered(await showCart(ctx, { ref: { kind: 'guest', cartId } }, deps)))).toEqual({
          [a]: 2,
        });
        const merged = answered(await mergeGuestCart(ctx, { customerId, cartId }, deps));
        expect(quantities(merged)).toEqual({ [a]: 5 });
      });
    });
  });
}
