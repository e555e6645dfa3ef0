import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type EventEnvelope, orderIdFor, orderLimits } from '@shop/contracts';
import { createLogger, EmbeddedBus, type HandlerContext, type Mesh } from '@shop/kit';
import { Registry } from 'prom-client';
import { changeCart } from '../src/application/change-cart';
import { type Checkout, type CheckoutDeps, type CheckoutResult, checkout } from '../src/application/checkout';
import { settleExpiredCheckout, settlingCheckouts } from '../src/application/checkout-lease';
import type { CartEvents, CartStore, CheckoutRecords, ProductFacts } from '../src/application/ports';
import { type CartRef, type StoredCart, setLine } from '../src/domain/cart';
import { cartMetricsIn } from '../src/infrastructure/cart-metrics';
import { meshCartEvents } from '../src/infrastructure/mesh-cart-events';
import { meshOrders } from '../src/infrastructure/mesh-orders';
import { StateCartStore } from '../src/infrastructure/state-cart-store';
import { stateCheckoutRecords } from '../src/infrastructure/state-checkout-records';

const log = createLogger({ name: 'checkout-test', level: 'fatal' });
const ctx: HandlerContext = { log };
const card = { cardNumber: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' };
const address = { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' };
const leaseSeconds = 60;

type OrdersMode = 'accept' | 'invalid' | 'conflict' | 'fail' | 'accept-then-fail';

/**
 * App `orders` on the bus, answering POST /api/orders and GET /api/orders/:id as orders does: the order id comes
 * from the customer and the Idempotency-Key, a retry with the key answers the same order, prices are its own.
 * The bearer token stands for the customer id here (the integration test has orders' real token check).
 */
class OrdersStandIn {
  mode: OrdersMode = 'accept';
  placements = 0;
  readonly orders = new Map<string, Record<string, unknown>>();

  readonly listener = (req: IncomingMessage, res: ServerResponse) => {
    void this.answer(req).then(({ status, body }) => {
      res.writeHead(status, { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' });
      res.end(JSON.stringify(body));
    });
  };

  private async answer(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const customerId = String(req.headers.authorization).replace(/^Bearer /, '');
    if (req.method === 'GET') {
      const order = this.orders.get(String(req.url).split('/').pop() ?? '');
      return order?.customerId === customerId
        ? { status: 200, body: order }
        : { status: 404, body: { status: 404, title: 'Order not found' } };
    }
    this.placements += 1;
    if (this.mode === 'fail') return { status: 503, body: { status: 503, title: 'Service Unavailable' } };
    if (this.mode === 'conflict') {
      return { status: 409, body: { status: 409, title: 'Idempotency key reused', detail: 'Used for another order.' } };
    }
    if (this.mode === 'invalid') {
      return {
        status: 400,
        body: {
          status: 400,
          title: 'Invalid request',
          errors: [{ path: 'body.payment.cardNumber', message: 'is not a valid card number' }],
        },
      };
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      items: Array<{ productId: string; quantity: number }>;
    };
    const id = orderIdFor(customerId, String(req.headers['idempotency-key']));
    const order = this.orders.get(id) ?? {
      id,
      customerId,
      status: 'Pending',
      items: body.items.map((item) => ({ ...item, unitPrice: { amount: 1250, currency: 'EUR' } })),
      total: { amount: body.items.reduce((sum, item) => sum + 1250 * item.quantity, 0), currency: 'EUR' },
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
    };
    this.orders.set(id, order);
    // Taken, then the answer is lost (a failure after its commit): what the caller sees is a 5xx.
    if (this.mode === 'accept-then-fail') return { status: 503, body: { status: 503, title: 'Service Unavailable' } };
    return { status: 202, body: order };
  }
}

/** A clock the test moves on (the lease expires by it). */
class TestClock {
  private at = Date.now();
  now = () => new Date(this.at);
  advanceSeconds(seconds: number) {
    this.at += seconds * 1000;
  }
}

interface World {
  bus: EmbeddedBus;
  mesh: Mesh;
  ordersApp: OrdersStandIn;
  clock: TestClock;
  facts: Map<string, ProductFacts>;
  published: EventEnvelope[];
  deps: CheckoutDeps;
  customerId: string;
  ref: CartRef;
}

function world(): World {
  const bus = new EmbeddedBus({ logger: log, invokeRetry: { maxRetries: 0 } });
  const mesh = bus.meshFor('cart');
  const ordersApp = new OrdersStandIn();
  bus.register('orders', { listener: ordersApp.listener });
  const published: EventEnvelope[] = [];
  bus.register('listener', {
    subscriptions: [
      {
        topic: 'carts.cart-checked-out',
        handle: async (event) => {
          published.push(event);
          return 'success';
        },
      },
    ],
  });
  const clock = new TestClock();
  const facts = new Map<string, ProductFacts>();
  const customerId = randomUUID();
  return {
    bus,
    mesh,
    ordersApp,
    clock,
    facts,
    published,
    customerId,
    ref: { kind: 'customer', customerId },
    deps: {
      carts: new StateCartStore(mesh.state, { guestCartTtlSeconds: 3600 }),
      // The projection's answer for the lines (cart-projection keeps it from catalog and inventory events).
      products: {
        describe: async (ids) =>
          new Map(ids.flatMap((id) => (facts.has(id) ? [[id, facts.get(id)]] : [])) as Array<[string, ProductFacts]>),
      },
      metrics: cartMetricsIn(new Registry()),
      clock: { now: clock.now },
      checkoutLeaseSeconds: leaseSeconds,
      orders: meshOrders(mesh, log),
      records: stateCheckoutRecords(mesh.state, { ttlHours: 24 }),
      events: meshCartEvents(mesh),
    },
  };
}

function product(w: World, overrides: Partial<ProductFacts> = {}): string {
  const productId = randomUUID();
  w.facts.set(productId, {
    productId,
    sku: `sku-${productId.slice(0, 6)}`,
    name: 'Desk lamp',
    price: { amount: 1250, currency: 'EUR' },
    status: 'active',
    available: 10,
    ...overrides,
  });
  return productId;
}

async function putLine(w: World, productId: string, quantity: number): Promise<void> {
  const result = await changeCart(
    ctx,
    {
      ref: w.ref,
      operation: 'set-line',
      change: (cart, now) =>
        setLine(
          cart ?? {
            id: 'c',
            kind: 'customer',
            customerId: w.customerId,
            lines: [],
            revision: 'empty',
            createdAt: now.toISOString(),
            updatedAt: now.toISOString(),
          },
          productId,
          quantity,
          now,
        ),
    },
    w.deps,
  );
  expect(result.ok).toBe(true);
}

async function cartOf(w: World): Promise<StoredCart | undefined> {
  return (await w.deps.carts.read(w.ref))?.cart;
}

const input = (w: World, idempotencyKey: string, body: Partial<Checkout['body']> = {}): Checkout => ({
  customerId: w.customerId,
  idempotencyKey,
  body: { shippingAddress: address, payment: card, ...body },
  authorization: `Bearer ${w.customerId}`,
});

async function eventsFor(w: World, orderId: string): Promise<EventEnvelope[]> {
  await w.bus.drain();
  return w.published.filter((event) => (event.data as { orderId: string }).orderId === orderId);
}

const linesOf = (cart: StoredCart | undefined) =>
  cart?.lines.map(({ productId, quantity }) => ({ productId, quantity }));

describe('checkout of a customer cart', () => {
  it('places the cart as one order under the key, empties the cart and announces it', async () => {
    const w = world();
    const lamp = product(w);
    const desk = product(w, { name: 'Desk' });
    await putLine(w, lamp, 2);
    await putLine(w, desk, 1);

    const result = await checkout(ctx, input(w, 'key-1'), w.deps);

    const orderId = orderIdFor(w.customerId, 'key-1');
    expect(result).toMatchObject({ ok: true, outcome: 'accepted', status: 202, orderId });
    expect(w.ordersApp.orders.get(orderId)?.items).toEqual([
      { productId: lamp, quantity: 2, unitPrice: { amount: 1250, currency: 'EUR' } },
      { productId: desk, quantity: 1, unitPrice: { amount: 1250, currency: 'EUR' } },
    ]);
    const cart = await cartOf(w);
    expect(cart?.lines).toEqual([]);
    expect(cart?.checkout).toBeUndefined();
    const events = await eventsFor(w, orderId);
    expect(events).toHaveLength(1);
    expect(events[0]?.data).toEqual({
      cartId: cart?.id,
      customerId: w.customerId,
      orderId,
      items: [
        { productId: lamp, quantity: 2, unitPrice: { amount: 1250, currency: 'EUR' } },
        { productId: desk, quantity: 1, unitPrice: { amount: 1250, currency: 'EUR' } },
      ],
      total: { amount: 3750, currency: 'EUR' },
      checkedOutAt: w.ordersApp.orders.get(orderId)?.createdAt,
    });
  });

  it('answers a retry with the same key and body with the first answer, without asking orders again', async () => {
    const w = world();
    await putLine(w, product(w), 1);
    const first = await checkout(ctx, input(w, 'key-1'), w.deps);
    await putLine(w, product(w), 3); // the customer goes on shopping; the retry must not place the new line

    const retry = await checkout(ctx, input(w, 'key-1'), w.deps);

    expect(retry).toEqual({ ...first, outcome: 'replayed' });
    expect(w.ordersApp.placements).toBe(1);
    expect(await cartOf(w)).toMatchObject({ lines: [expect.objectContaining({ quantity: 3 })] });
  });

  it('refuses the same key with another body (409) and places nothing more', async () => {
    const w = world();
    await putLine(w, product(w), 1);
    await checkout(ctx, input(w, 'key-1'), w.deps);

    const other = await checkout(
      ctx,
      input(w, 'key-1', { shippingAddress: { ...address, city: 'Shelbyville' } }),
      w.deps,
    );
    const otherCard = await checkout(
      ctx,
      input(w, 'key-1', { payment: { ...card, cardNumber: '4000000000000002' } }),
      w.deps,
    );

    expect(other).toEqual({ ok: false, reason: 'key-reused' });
    expect(otherCard).toEqual({ ok: false, reason: 'key-reused' });
    expect(w.ordersApp.placements).toBe(1);
  });

  it('keeps no card number or code in the lease or the record', async () => {
    const w = world();
    await putLine(w, product(w), 1);
    let leaseSeen: string | undefined;
    const orders = w.deps.orders;
    const deps: CheckoutDeps = {
      ...w.deps,
      orders: {
        ...orders,
        place: async (request) => {
          leaseSeen = JSON.stringify(await cartOf(w));
          return orders.place(request);
        },
      },
    };
    await checkout(ctx, input(w, 'key-1'), deps);

    const record = await w.mesh.state.get(`checkout:${w.customerId}:${sha256('key-1')}`);
    expect(record).toBeDefined();
    for (const stored of [leaseSeen, JSON.stringify(record)]) {
      expect(stored).toContain('"requestHash"');
      expect(stored).not.toContain(card.cardNumber);
      expect(stored).not.toContain('"cvc"');
    }
  });

  it('places one order when two checkouts with different keys race; the other is 409', async () => {
    const w = world();
    await putLine(w, product(w), 2);

    const results = await Promise.all([
      checkout(ctx, input(w, 'key-a'), w.deps),
      checkout(ctx, input(w, 'key-b'), w.deps),
    ]);

    const accepted = results.filter((result) => result.ok);
    const refused = results.filter((result): result is Exclude<CheckoutResult, { ok: true }> => !result.ok);
    expect(accepted).toHaveLength(1);
    expect(refused).toHaveLength(1);
    // Refused while the winner held the lease (409 in progress), or after it emptied the cart (409 empty).
    expect(['in-progress', 'empty']).toContain(refused[0]?.reason);
    expect(w.ordersApp.placements).toBe(1);
    expect(w.ordersApp.orders.size).toBe(1);
  });

  it('refuses an empty cart (409) without asking orders', async () => {
    const w = world();
    expect(await checkout(ctx, input(w, 'key-1'), w.deps)).toEqual({ ok: false, reason: 'empty' });
    await putLine(w, product(w), 1);
    await checkout(ctx, input(w, 'key-1'), w.deps);
    expect(await checkout(ctx, input(w, 'key-2'), w.deps)).toEqual({ ok: false, reason: 'empty' });
    expect(w.ordersApp.placements).toBe(1);
  });

  it('refuses archived lines and quantities above what is available (409 naming them), cart untouched', async () => {
    const w = world();
    const archived = product(w, { name: 'Old lamp', status: 'archived' });
    const scarce = product(w, { name: 'Rare vase', available: 1 });
    const fine = product(w);
    await putLine(w, archived, 1);
    await putLine(w, scarce, 2);
    await putLine(w, fine, 1);
    const before = await cartOf(w);

    const result = await checkout(ctx, input(w, 'key-1'), w.deps);

    expect(result).toEqual({
      ok: false,
      reason: 'unavailable-lines',
      lines: [
        { productId: archived, name: 'Old lamp', reason: 'archived', quantity: 1, available: 0 },
        { productId: scarce, name: 'Rare vase', reason: 'insufficient', quantity: 2, available: 1 },
      ],
    });
    expect(await cartOf(w)).toEqual(before);
    expect(w.ordersApp.placements).toBe(0);
  });

  it('refuses a cart of more products than one order takes (409) without asking orders', async () => {
    const w = world();
    for (let line = 0; line <= orderLimits.maxLines; line++) await putLine(w, product(w), 1);

    const result = await checkout(ctx, input(w, 'key-1'), w.deps);

    expect(result).toEqual({ ok: false, reason: 'too-many-lines', lines: orderLimits.maxLines + 1 });
    expect(w.ordersApp.placements).toBe(0);
    expect((await cartOf(w))?.checkout).toBeUndefined();
  });

  it.each([
    ['invalid', { ok: false, reason: 'refused', status: 400 }],
    ['conflict', { ok: false, reason: 'refused', status: 409 }],
    ['fail', { ok: false, reason: 'orders-unavailable' }],
  ] as const)('leaves the cart as it was when orders answers %s', async (mode, expected) => {
    const w = world();
    await putLine(w, product(w), 2);
    const before = linesOf(await cartOf(w));
    w.ordersApp.mode = mode;

    const result = await checkout(ctx, input(w, 'key-1'), w.deps);

    expect(result).toMatchObject(expected);
    const cart = await cartOf(w);
    expect(linesOf(cart)).toEqual(before);
    expect(cart?.checkout).toBeUndefined();
    expect(await eventsFor(w, orderIdFor(w.customerId, 'key-1'))).toEqual([]);
    // Once orders takes it, the same key goes through: nothing of the refusal was kept.
    w.ordersApp.mode = 'accept';
    expect(await checkout(ctx, input(w, 'key-1'), w.deps)).toMatchObject({ ok: true, outcome: 'accepted' });
  });

  it('finishes a checkout orders took although its answer was lost (5xx), instead of handing the cart back', async () => {
    const w = world();
    await putLine(w, product(w), 2);
    w.ordersApp.mode = 'accept-then-fail';

    const result = await checkout(ctx, input(w, 'key-1'), w.deps);

    const orderId = orderIdFor(w.customerId, 'key-1');
    expect(result).toMatchObject({ ok: true, outcome: 'accepted', status: 202, orderId });
    expect(result.ok && result.body).toEqual(w.ordersApp.orders.get(orderId));
    expect(await cartOf(w)).toMatchObject({ lines: [] });
    expect(await eventsFor(w, orderId)).toHaveLength(1);
  });

  it('leaves the cart as it was when orders cannot be reached (503)', async () => {
    const w = world();
    await putLine(w, product(w), 2);
    const before = linesOf(await cartOf(w));
    // A bus without app `orders`: the invocation fails as an unreachable sidecar's does.
    const nowhere = new EmbeddedBus({ logger: log }).meshFor('cart');

    const result = await checkout(ctx, input(w, 'key-1'), { ...w.deps, orders: meshOrders(nowhere, log) });

    expect(result).toEqual({ ok: false, reason: 'orders-unavailable' });
    const cart = await cartOf(w);
    expect(linesOf(cart)).toEqual(before);
    expect(cart?.checkout).toBeUndefined();
  });
});

describe('a checkout that ended after orders accepted it', () => {
  /** Deps whose given step fails once, as a process ending there would leave things. */
  function crashingOnce(w: World, step: 'record' | 'event' | 'empty'): CheckoutDeps {
    let crashed = false;
    const crash = () => {
      if (crashed) return false;
      crashed = true;
      return true;
    };
    const records: CheckoutRecords = {
      find: (...args) => w.deps.records.find(...args),
      save: async (...args) => {
        if (step === 'record' && crash()) throw new Error('process ended before the record');
        return w.deps.records.save(...args);
      },
    };
    const events: CartEvents = {
      publish: async (topic, envelope) => {
        if (step === 'event' && crash()) throw new Error('process ended before the event');
        return w.deps.events.publish(topic, envelope);
      },
    };
    const carts: CartStore = {
      read: (ref) => w.deps.carts.read(ref),
      remove: (ref, etag) => w.deps.carts.remove(ref, etag),
      write: async (ref, cart, expected) => {
        const ending = cart.checkout === undefined && cart.lines.length === 0;
        if (step === 'empty' && ending && crash()) throw new Error('process ended before the cart was emptied');
        return w.deps.carts.write(ref, cart, expected);
      },
    };
    return { ...w.deps, records, events, carts };
  }

  it.each(['record', 'event', 'empty'] as const)(
    'is finished once after its lease expires (crash before the %s): cart emptied once, one event id',
    async (step) => {
      const w = world();
      const lamp = product(w);
      await putLine(w, lamp, 2);
      const orderId = orderIdFor(w.customerId, 'key-1');

      await expect(checkout(ctx, input(w, 'key-1'), crashingOnce(w, step))).rejects.toThrow(/process ended/);
      expect(w.ordersApp.orders.has(orderId)).toBe(true);
      // The lease still holds the cart: another checkout, and any write, wait for it.
      expect(await checkout(ctx, input(w, 'key-2'), w.deps)).toEqual({
        ok: false,
        reason: 'in-progress',
        sameKey: false,
      });

      w.clock.advanceSeconds(leaseSeconds + 1);
      const settled = await settleExpiredCheckout(
        ctx,
        { customerId: w.customerId, authorization: `Bearer ${w.customerId}` },
        w.deps,
      );
      expect(settled).toBe('finished');
      let cart = await cartOf(w);
      expect(cart?.lines).toEqual([]);
      expect(cart?.checkout).toBeUndefined();

      // Settling again, or retrying the key, changes nothing more: a line added since stays.
      await putLine(w, lamp, 1);
      expect(
        await settleExpiredCheckout(ctx, { customerId: w.customerId, authorization: `Bearer ${w.customerId}` }, w.deps),
      ).toBe('none');
      expect(await checkout(ctx, input(w, 'key-1'), w.deps)).toMatchObject({ ok: true, outcome: 'replayed', orderId });
      cart = await cartOf(w);
      expect(linesOf(cart)).toEqual([{ productId: lamp, quantity: 1 }]);

      const events = await eventsFor(w, orderId);
      expect(events.length).toBeGreaterThanOrEqual(1);
      // A repeat is the very same event: the same id (consumers drop it) and the same payload.
      expect(new Set(events.map((event) => JSON.stringify(event))).size).toBe(1);
      expect(w.ordersApp.orders.size).toBe(1);
    },
  );

  it('is settled by the next access to the cart, a write putting a line in', async () => {
    const w = world();
    const lamp = product(w);
    const vase = product(w);
    await putLine(w, lamp, 2);
    await expect(checkout(ctx, input(w, 'key-1'), crashingOnce(w, 'empty'))).rejects.toThrow();
    w.clock.advanceSeconds(leaseSeconds + 1);
    const ownCart = { ...w.deps, carts: settlingCheckouts(ctx, { authorization: `Bearer ${w.customerId}` }, w.deps) };

    const written = await changeCart(
      ctx,
      { ref: w.ref, operation: 'set-line', change: (cart, now) => cart && setLine(cart, vase, 1, now) },
      ownCart,
    );

    expect(written.ok && linesOf(written.cart)).toEqual([{ productId: vase, quantity: 1 }]);
    expect((await cartOf(w))?.checkout).toBeUndefined();
    const events = await eventsFor(w, orderIdFor(w.customerId, 'key-1'));
    expect(new Set(events.map((event) => event.id)).size).toBe(1);
  });

  it('is settled by the next checkout of the cart, which then goes on with its own key', async () => {
    const w = world();
    const lamp = product(w);
    await putLine(w, lamp, 2);
    await expect(checkout(ctx, input(w, 'key-1'), crashingOnce(w, 'record'))).rejects.toThrow();
    w.clock.advanceSeconds(leaseSeconds + 1);

    // The first order took the lines: the cart is empty once it is settled.
    expect(await checkout(ctx, input(w, 'key-2'), w.deps)).toEqual({ ok: false, reason: 'empty' });
    expect(w.ordersApp.orders.size).toBe(1);
  });

  it('drops the lease when orders never got the order', async () => {
    const w = world();
    await putLine(w, product(w), 2);
    w.ordersApp.mode = 'fail';
    // The lease is written, then the process ends before orders answers: orders knows no such order.
    const deps: CheckoutDeps = {
      ...w.deps,
      orders: {
        ...w.deps.orders,
        place: async () => Promise.reject(new Error('process ended before orders answered')),
      },
    };
    await expect(checkout(ctx, input(w, 'key-1'), deps)).rejects.toThrow(/process ended/);
    expect((await cartOf(w))?.checkout).toBeDefined();

    w.clock.advanceSeconds(leaseSeconds + 1);
    w.ordersApp.mode = 'accept';
    const result = await checkout(ctx, input(w, 'key-2'), w.deps);

    expect(result).toMatchObject({ ok: true, outcome: 'accepted', orderId: orderIdFor(w.customerId, 'key-2') });
    expect(w.ordersApp.orders.size).toBe(1);
  });
});

describe('a checkout orders answers only after its lease expired', () => {
  it('still empties the cart of the order once, although a later access dropped the lease meanwhile', async () => {
    const w = world();
    const lamp = product(w);
    const vase = product(w);
    await putLine(w, lamp, 2);
    const orderId = orderIdFor(w.customerId, 'key-1');
    // Orders is slow: it takes the order only once the test lets it, after the lease ran out.
    let answer: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => {
      answer = resolve;
    });
    let reached: () => void = () => undefined;
    const ordersReached = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const slowOrders: CheckoutDeps = {
      ...w.deps,
      orders: {
        ...w.deps.orders,
        place: async (request) => {
          reached();
          await answered;
          return w.deps.orders.place(request);
        },
      },
    };
    const placing = checkout(ctx, input(w, 'key-1'), slowOrders);
    await ordersReached;

    // A later access, the lease expired: orders has no such order yet, so the lease goes and a vase goes in.
    w.clock.advanceSeconds(leaseSeconds + 1);
    const ownCart = { ...w.deps, carts: settlingCheckouts(ctx, { authorization: `Bearer ${w.customerId}` }, w.deps) };
    const written = await changeCart(
      ctx,
      { ref: w.ref, operation: 'set-line', change: (cart, now) => cart && setLine(cart, vase, 1, now) },
      ownCart,
    );
    expect(written.ok && linesOf(written.cart)).toEqual([
      { productId: lamp, quantity: 2 },
      { productId: vase, quantity: 1 },
    ]);
    expect((await cartOf(w))?.checkout).toBeUndefined();

    // Now orders takes the order and answers: the order stands, so its lines leave the cart; the vase stays.
    answer();
    expect(await placing).toMatchObject({ ok: true, outcome: 'accepted', status: 202, orderId });
    expect(linesOf(await cartOf(w))).toEqual([{ productId: vase, quantity: 1 }]);
    expect(await eventsFor(w, orderId)).toHaveLength(1);

    // Only once: the key's retry replays, a later access settles nothing, and the lines put back stay.
    await putLine(w, lamp, 2);
    expect(await checkout(ctx, input(w, 'key-1'), w.deps)).toMatchObject({ ok: true, outcome: 'replayed', orderId });
    expect(
      await settleExpiredCheckout(ctx, { customerId: w.customerId, authorization: `Bearer ${w.customerId}` }, w.deps),
    ).toBe('none');
    expect(linesOf(await cartOf(w))).toEqual([
      { productId: vase, quantity: 1 },
      { productId: lamp, quantity: 2 },
    ]);
    expect(w.ordersApp.orders.size).toBe(1);
  });

  it('is finished by a later access when the request that placed it ended before its late answer came', async () => {
    const w = world();
    const lamp = product(w);
    await putLine(w, lamp, 2);
    const orderId = orderIdFor(w.customerId, 'key-1');
    let answer: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => {
      answer = resolve;
    });
    let reached: () => void = () => undefined;
    const ordersReached = new Promise<void>((resolve) => {
      reached = resolve;
    });
    // Orders takes the order late; the process then ends before the checkout saves its record.
    const slowThenGone: CheckoutDeps = {
      ...w.deps,
      orders: {
        ...w.deps.orders,
        place: async (request) => {
          reached();
          await answered;
          return w.deps.orders.place(request);
        },
      },
      records: {
        ...w.deps.records,
        save: async () => {
          throw new Error('process ended before the record');
        },
      },
    };
    const placing = checkout(ctx, input(w, 'key-1'), slowThenGone);
    await ordersReached;
    w.clock.advanceSeconds(leaseSeconds + 1);
    const ownCart = settlingCheckouts(ctx, { authorization: `Bearer ${w.customerId}` }, w.deps);
    expect(linesOf((await ownCart.read(w.ref))?.cart)).toEqual([{ productId: lamp, quantity: 2 }]);
    answer();
    await expect(placing).rejects.toThrow(/process ended/);
    expect(w.ordersApp.orders.has(orderId)).toBe(true);

    // The next access asks orders about the released checkout: the order stands, so its lines leave the cart.
    w.clock.advanceSeconds(30);
    expect(linesOf((await ownCart.read(w.ref))?.cart)).toEqual([]);
    expect(await eventsFor(w, orderId)).toHaveLength(1);
    expect(await checkout(ctx, input(w, 'key-1'), w.deps)).toMatchObject({ ok: true, outcome: 'replayed', orderId });
    // Once: lines put in since stay, and orders is not asked again.
    await putLine(w, lamp, 1);
    expect(linesOf((await ownCart.read(w.ref))?.cart)).toEqual([{ productId: lamp, quantity: 1 }]);
    expect((await cartOf(w))?.releasedCheckouts).toBeUndefined();
  });
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
