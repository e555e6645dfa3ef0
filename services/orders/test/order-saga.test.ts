import { createHash, randomUUID } from 'node:crypto';
import { canonicalJson } from '@shop/kit';
import { eventually } from '@shop/testkit/src/eventually';
import { json } from '@shop/testkit/src/listen';
import { type OrdersPlatform, startOrders } from './support/orders-platform';

let platform: OrdersPlatform;
const euro = (amount: number) => ({ amount, currency: 'EUR' });
const card = { cardNumber: '4242 4242 4242 4242', expMonth: 12, expYear: 2099, cvc: '123' };
const address = { line1: '1 Rue de Rivoli', city: 'Paris', postalCode: '75001', country: 'fr' };

beforeAll(async () => {
  platform = await startOrders();
});
afterAll(() => platform.stopAll());

// Saga events as inventory and payments publish them (each is checked against its contract on the way in).
const paymentSucceeded = (orderId: string) => ({
  orderId,
  paymentId: randomUUID(),
  amount: euro(1999),
  cardLast4: '4242',
  capturedAt: new Date().toISOString(),
});
const paymentFailed = (orderId: string) => ({
  orderId,
  paymentId: randomUUID(),
  reason: 'card-declined',
  failedAt: new Date().toISOString(),
});
const stockReleased = (orderId: string, reason: 'expired' | 'order-cancelled') => ({
  orderId,
  reservationId: randomUUID(),
  reason,
  lines: [{ productId: randomUUID(), quantity: 1 }],
});

function product(amount = 1999, status: 'active' | 'archived' = 'active'): string {
  const id = randomUUID();
  platform.catalog.products.set(id, { price: euro(amount), status });
  return id;
}

async function place(
  customerId: string,
  items: Array<{ productId: string; quantity: number }>,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  return platform.send('POST', '/api/orders', {
    token: platform.tokenFor(customerId),
    body: { items, shippingAddress: address, payment: card, ...extra },
    headers,
  });
}

async function placed(customerId = randomUUID(), items = [{ productId: product(), quantity: 2 }]) {
  const res = await place(customerId, items);
  expect(res.status).toBe(202);
  return { customerId, order: await json(res) };
}

const statusOf = async (orderId: string, customerId: string) =>
  (await json(await platform.send('GET', `/api/orders/${orderId}`, { token: platform.tokenFor(customerId) }))).status;

const eventsFor = (orderId: string, topic: string) =>
  platform.published.filter(
    (entry) => entry.topic === topic && (entry.event.data as { orderId: string }).orderId === orderId,
  );

describe('placing an order', () => {
  it('answers 202 Pending at the catalog price and announces it without the card', async () => {
    const a = product(1999);
    const b = product(500);
    const customerId = randomUUID();
    const res = await place(customerId, [
      { productId: a, quantity: 2 },
      { productId: b, quantity: 1 },
      { productId: a, quantity: 1 },
    ]);
    expect(res.status).toBe(202);
    const order = await json(res);
    expect(res.headers.get('location')).toBe(`/api/orders/${order.id}`);
    // The payment is open at payments before the order is announced: no later event can find it missing.
    expect([...platform.opened.values()]).toContainEqual({
      orderId: order.id,
      customerId,
      total: euro(3 * 1999 + 500),
      paymentMethodId: expect.any(String),
    });
    expect(order).toEqual(
      expect.objectContaining({
        status: 'Pending',
        customerId,
        items: [
          { productId: a, quantity: 3, unitPrice: euro(1999) },
          { productId: b, quantity: 1, unitPrice: euro(500) },
        ],
        total: euro(3 * 1999 + 500),
        cardLast4: '4242',
        shippingAddress: { ...address, country: 'FR' },
      }),
    );
    const [announced] = await eventually(() => {
      const events = eventsFor(order.id, 'orders.order-placed');
      expect(events).toHaveLength(1);
      return events;
    });
    expect(announced?.event.data).toEqual(
      expect.objectContaining({
        orderId: order.id,
        customerId,
        total: euro(6497),
        paymentMethodId: expect.any(String),
      }),
    );
    expect(JSON.stringify([order, announced])).not.toMatch(/4242\s?4242|"cvc"|123"/);
  });

  it('never takes a price from the client', async () => {
    const res = await place(randomUUID(), [{ productId: product(), quantity: 1, unitPrice: euro(1) } as never]);
    expect(res.status).toBe(400);
    expect((await json(res)).errors[0].path).toBe('body.items.0.unitPrice');
  });

  it('names unknown or archived products and a bad card, without echoing the card', async () => {
    const res = await place(
      randomUUID(),
      [
        { productId: randomUUID(), quantity: 1 },
        { productId: product(100, 'archived'), quantity: 1 },
      ],
      { payment: { ...card, cardNumber: '4242424242424241' } },
    );
    expect(res.status).toBe(400);
    const problem = await json(res);
    expect(problem.errors.map((error: { path: string }) => error.path)).toEqual([
      'body.items.0.productId',
      'body.items.1.productId',
      'body.payment.cardNumber',
    ]);
    const malformed = await place(randomUUID(), [{ productId: product(), quantity: 0 }], {
      payment: { ...card, cardNumber: '4242-4242-4242-4242', cvc: '12x' },
    });
    const text = await malformed.text();
    expect(malformed.status).toBe(400);
    expect(text).not.toContain('4242-4242');
    expect(text).not.toContain('12x');
    expect(JSON.parse(text).errors.map((error: { path: string }) => error.path)).toEqual(
      expect.arrayContaining(['body.items.0.quantity', 'body.payment.cardNumber', 'body.payment.cvc']),
    );
  });

  it('needs a customer token', async () => {
    expect((await platform.send('POST', '/api/orders', { body: {} })).status).toBe(401);
    const admin = platform.tokenFor(randomUUID(), ['admin']);
    expect((await platform.send('POST', '/api/orders', { body: {}, token: admin })).status).toBe(403);
  });

  it('answers 503 when the catalog cannot be reached, and records nothing', async () => {
    platform.catalog.down = true;
    try {
      const res = await place(randomUUID(), [{ productId: product(), quantity: 1 }]);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('2');
    } finally {
      platform.catalog.down = false;
    }
  });

  it('replays the first answer for the same Idempotency-Key, 409 for another body', async () => {
    const customerId = randomUUID();
    const items = [{ productId: product(), quantity: 1 }];
    const key = { 'idempotency-key': `place-${randomUUID()}` };
    const first = await place(customerId, items, {}, key);
    const lookups = platform.catalog.lookups;
    const again = await place(customerId, items, {}, key);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await json(again)).toEqual(await json(first));
    expect(platform.catalog.lookups).toBe(lookups);
    const list = await json(await platform.send('GET', '/api/orders', { token: platform.tokenFor(customerId) }));
    expect(list.items).toHaveLength(1);
    expect((await place(customerId, [{ productId: product(), quantity: 2 }], {}, key)).status).toBe(409);
  });
});

describe('a placement retried under its Idempotency-Key', () => {
  const listOf = async (customerId: string) =>
    (await json(await platform.send('GET', '/api/orders', { token: platform.tokenFor(customerId) }))).items as Array<{
      id: string;
    }>;

  it('resumes after payments failed right after opening the payment: one order, one payment', async () => {
    const customerId = randomUUID();
    const items = [{ productId: product(), quantity: 1 }];
    const key = { 'idempotency-key': `retry-${randomUUID()}` };
    platform.payments.failAfterOpening = true;
    try {
      expect((await place(customerId, items, {}, key)).status).toBe(503);
    } finally {
      platform.payments.failAfterOpening = false;
    }
    expect(await listOf(customerId)).toEqual([]);
    const retried = await place(customerId, items, {}, key);
    expect(retried.status).toBe(202);
    const order = await json(retried);
    expect(await listOf(customerId)).toEqual([expect.objectContaining({ id: order.id })]);
    expect([...platform.opened.values()].filter((payment) => payment.customerId === customerId)).toEqual([
      expect.objectContaining({ orderId: order.id }),
    ]);
  });

  it('makes one order and one payment of two concurrent requests', async () => {
    const customerId = randomUUID();
    const items = [{ productId: product(), quantity: 3 }];
    const key = { 'idempotency-key': `twins-${randomUUID()}` };
    const answers = await Promise.all([place(customerId, items, {}, key), place(customerId, items, {}, key)]);
    const accepted = answers.filter((answer) => answer.status === 202);
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    // The later of the two either replays the first answer or is told to retry shortly: never a second order.
    for (const answer of answers) expect([202, 409]).toContain(answer.status);
    const orders = await listOf(customerId);
    expect(orders).toHaveLength(1);
    const payments = [...platform.opened.values()].filter((payment) => payment.customerId === customerId);
    expect(payments.map((payment) => payment.orderId)).toEqual([orders[0]?.id]);
  });

  it('refuses a key reused for another order before anything is opened, even when the first never finished', async () => {
    const customerId = randomUUID();
    const key = { 'idempotency-key': `reused-${randomUUID()}` };
    platform.payments.failAfterOpening = true;
    try {
      expect((await place(customerId, [{ productId: product(1000), quantity: 1 }], {}, key)).status).toBe(503);
    } finally {
      platform.payments.failAfterOpening = false;
    }
    const other = await place(customerId, [{ productId: product(5000), quantity: 1 }], {}, key);
    expect(other.status).toBe(409);
    expect(await listOf(customerId)).toEqual([]);
  });
});

describe('card data at rest', () => {
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

  it('stores no card number or CVC, nor any hash of them or of a body holding them', async () => {
    const customerId = randomUUID();
    const payment = { cardNumber: '4000056655665556', expMonth: 11, expYear: 2098, cvc: '734' };
    const bodies = [
      { items: [{ productId: product(), quantity: 1 }], shippingAddress: { ...address, country: 'FR' }, payment },
      { items: [{ productId: product(), quantity: 3 }], shippingAddress: { ...address, country: 'FR' }, payment },
    ];
    const key = `place-${randomUUID()}`;
    const statuses: number[] = [];
    for (const body of bodies) {
      const res = await platform.send('POST', '/api/orders', {
        token: platform.tokenFor(customerId),
        body,
        headers: { 'idempotency-key': key },
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([202, 409]);

    const rows = await platform.everyRow();
    const keys = rows.idempotency_keys ?? [];
    expect(keys.filter((row) => row.key === key)).toHaveLength(1);
    const stored = JSON.stringify(rows);
    const secrets = [
      payment.cardNumber,
      payment.cardNumber.replace(/(\d{4})(?=\d)/g, '$1 '),
      sha256(payment.cardNumber),
      sha256(payment.cvc),
      ...bodies.flatMap((body) => [
        sha256(canonicalJson(body)),
        sha256(canonicalJson({ method: 'POST', path: '/api/orders', body })),
      ]),
    ];
    for (const secret of secrets) expect({ secret, found: stored.includes(secret) }).toEqual({ secret, found: false });
    expect(stored).not.toMatch(/"cvc"/i);
  });
});

describe('the saga', () => {
  it('pays the order when the payment succeeds, once however often the event comes', async () => {
    const { order, customerId } = await placed();
    const eventId = randomUUID();
    const succeeded = paymentSucceeded(order.id);
    await platform.deliver('payments.payment-succeeded', succeeded, eventId);
    await platform.deliver('payments.payment-succeeded', succeeded, eventId);
    await platform.deliver('payments.payment-succeeded', succeeded);
    expect(await statusOf(order.id, customerId)).toBe('Paid');
    await eventually(() => expect(eventsFor(order.id, 'orders.order-paid')).toHaveLength(1));
  });

  it('names the paid products with their quantities on orders.order-paid only (recommendations learn from them)', async () => {
    const [first, second] = [product(), product(500)];
    const { order, customerId } = await placed(randomUUID(), [
      { productId: first, quantity: 2 },
      { productId: second, quantity: 1 },
    ]);
    await platform.deliver('payments.payment-succeeded', paymentSucceeded(order.id));
    await platform.send('POST', `/api/orders/${order.id}/cancel`, { token: platform.tokenFor(customerId) });
    await eventually(() => expect(eventsFor(order.id, 'orders.order-cancelled')).toHaveLength(1));
    const paidItems = (eventsFor(order.id, 'orders.order-paid')[0]?.event.data as { items?: unknown[] } | undefined)
      ?.items;
    expect(paidItems).toEqual(
      expect.arrayContaining([
        { productId: first, quantity: 2 },
        { productId: second, quantity: 1 },
      ]),
    );
    expect(paidItems).toHaveLength(2);
    expect(eventsFor(order.id, 'orders.order-cancelled')[0]?.event.data).not.toHaveProperty('items');
  });

  it('fails the order for missing stock, and a later payment does not revive it', async () => {
    const { order, customerId } = await placed();
    await platform.deliver('inventory.stock-reservation-failed', {
      orderId: order.id,
      reason: 'insufficient-stock',
      shortages: [],
    });
    await platform.deliver('payments.payment-succeeded', paymentSucceeded(order.id));
    const current = await json(
      await platform.send('GET', `/api/orders/${order.id}`, { token: platform.tokenFor(customerId) }),
    );
    expect(current).toEqual(expect.objectContaining({ status: 'Failed', failureReason: 'OutOfStock' }));
    await eventually(() => expect(eventsFor(order.id, 'orders.order-failed')).toHaveLength(1));
    expect(eventsFor(order.id, 'orders.order-paid')).toHaveLength(0);
  });

  it('fails the order when the card is declined', async () => {
    const { order, customerId } = await placed();
    await platform.deliver('payments.payment-failed', paymentFailed(order.id));
    const current = await json(
      await platform.send('GET', `/api/orders/${order.id}`, { token: platform.tokenFor(customerId) }),
    );
    expect(current).toEqual(expect.objectContaining({ status: 'Failed', failureReason: 'PaymentDeclined' }));
  });

  it('fails a pending order whose reservation expired, and ignores other releases', async () => {
    const { order, customerId } = await placed();
    await platform.deliver('inventory.stock-released', stockReleased(order.id, 'order-cancelled'));
    expect(await statusOf(order.id, customerId)).toBe('Pending');
    await platform.deliver('inventory.stock-released', stockReleased(order.id, 'expired'));
    expect(await statusOf(order.id, customerId)).toBe('Failed');
  });
});

describe('after placement', () => {
  it('cancels a pending or paid order, announcing it once; 409 once shipped', async () => {
    const pending = await placed();
    const token = platform.tokenFor(pending.customerId);
    const cancelled = await platform.send('POST', `/api/orders/${pending.order.id}/cancel`, { token });
    expect((await json(cancelled)).status).toBe('Cancelled');
    expect((await platform.send('POST', `/api/orders/${pending.order.id}/cancel`, { token })).status).toBe(200);
    await eventually(() => expect(eventsFor(pending.order.id, 'orders.order-cancelled')).toHaveLength(1));

    const shipped = await placed();
    const admin = platform.tokenFor(randomUUID(), ['admin']);
    await platform.deliver('payments.payment-succeeded', paymentSucceeded(shipped.order.id));
    const ship = await platform.send('POST', `/api/orders/${shipped.order.id}/ship`, {
      token: admin,
      body: { trackingNumber: 'TRACK-1' },
    });
    expect(await json(ship)).toEqual(expect.objectContaining({ status: 'Shipped', trackingNumber: 'TRACK-1' }));
    const late = await platform.send('POST', `/api/orders/${shipped.order.id}/cancel`, {
      token: platform.tokenFor(shipped.customerId),
    });
    expect(late.status).toBe(409);
    expect((await json(late)).orderStatus).toBe('Shipped');
    const delivered = await platform.send('POST', `/api/orders/${shipped.order.id}/deliver`, { token: admin });
    expect((await json(delivered)).status).toBe('Delivered');
  });

  it('tells in its status events what notifications word: total, last four digits, tracking number, refund', async () => {
    const paid = await placed();
    await platform.deliver('payments.payment-succeeded', paymentSucceeded(paid.order.id));
    await platform.send('POST', `/api/orders/${paid.order.id}/cancel`, { token: platform.tokenFor(paid.customerId) });
    const pending = await placed();
    await platform.send('POST', `/api/orders/${pending.order.id}/cancel`, {
      token: platform.tokenFor(pending.customerId),
    });
    const shipped = await placed();
    await platform.deliver('payments.payment-succeeded', paymentSucceeded(shipped.order.id));
    await platform.send('POST', `/api/orders/${shipped.order.id}/ship`, {
      token: platform.tokenFor(randomUUID(), ['admin']),
      body: { trackingNumber: 'TRACK-7' },
    });
    await eventually(() => {
      expect(eventsFor(paid.order.id, 'orders.order-cancelled')).toHaveLength(1);
      expect(eventsFor(pending.order.id, 'orders.order-cancelled')).toHaveLength(1);
      expect(eventsFor(shipped.order.id, 'orders.order-shipped')).toHaveLength(1);
    });
    const total = euro(3998);
    expect(eventsFor(paid.order.id, 'orders.order-paid')[0]?.event.data).toMatchObject({ total, cardLast4: '4242' });
    // A paid order's cancellation refunds its total; a pending one's took nothing.
    expect(eventsFor(paid.order.id, 'orders.order-cancelled')[0]?.event.data).toMatchObject({ total, refund: total });
    expect(eventsFor(pending.order.id, 'orders.order-cancelled')[0]?.event.data).not.toHaveProperty('refund');
    expect(eventsFor(shipped.order.id, 'orders.order-shipped')[0]?.event.data).toMatchObject({
      trackingNumber: 'TRACK-7',
    });
  });

  it('lets only admins ship and deliver, and only paid orders ship', async () => {
    const { order, customerId } = await placed();
    const customer = platform.tokenFor(customerId);
    expect((await platform.send('POST', `/api/orders/${order.id}/ship`, { token: customer, body: {} })).status).toBe(
      403,
    );
    const admin = platform.tokenFor(randomUUID(), ['admin']);
    expect((await platform.send('POST', `/api/orders/${order.id}/ship`, { token: admin, body: {} })).status).toBe(409);
    expect((await platform.send('POST', `/api/orders/${order.id}/deliver`, { token: admin })).status).toBe(409);
  });

  it("hides other customers' orders (404) and lists only the caller's own", async () => {
    const mine = await placed();
    const theirs = await placed();
    const token = platform.tokenFor(mine.customerId);
    expect((await platform.send('GET', `/api/orders/${theirs.order.id}`, { token })).status).toBe(404);
    expect((await platform.send('POST', `/api/orders/${theirs.order.id}/cancel`, { token })).status).toBe(404);
    const list = await json(await platform.send('GET', '/api/orders', { token }));
    expect(list.items.map((order: { id: string }) => order.id)).toEqual([mine.order.id]);
    const admin = platform.tokenFor(randomUUID(), ['admin']);
    expect((await platform.send('GET', `/api/orders/${theirs.order.id}`, { token: admin })).status).toBe(200);
  });

  it('pages an admin through every order by status, newest first', async () => {
    const customerId = randomUUID();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await placed(customerId)).order.id);
    const admin = platform.tokenFor(randomUUID(), ['admin']);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const path: string = `/api/orders?status=Pending&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await json(await platform.send('GET', path, { token: admin }));
      seen.push(...page.items.map((order: { id: string }) => order.id));
      cursor = page.nextCursor;
    } while (cursor);
    const mine = seen.filter((id) => ids.includes(id));
    expect(mine).toEqual([...ids].reverse());
    expect(new Set(seen).size).toBe(seen.length);
  });
});
