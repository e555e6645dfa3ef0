import { randomUUID } from 'node:crypto';
import { assessmentRequest, defaultReviewThresholds } from '@shop/contracts';
import { eventually } from '@shop/testkit/src/eventually';
import { json } from '@shop/testkit/src/listen';
import { allowedTransitions, canMove, sourcesOf } from '../src/domain/order';
import { type OrdersPlatform, startOrders } from './support/orders-platform';

let platform: OrdersPlatform;
const euro = (amount: number) => ({ amount, currency: 'EUR' });
const card = { cardNumber: '4242 4242 4242 4242', expMonth: 12, expYear: 2099, cvc: '123' };
const address = { line1: '1 Rue de Rivoli', city: 'Paris', postalCode: '75001', country: 'FR' };
const scorerTimeoutMs = 300;

beforeAll(async () => {
  platform = await startOrders({ FRAUD_SCORER_TIMEOUT_MS: String(scorerTimeoutMs) });
});
afterAll(() => platform.stopAll());

const admin = () => platform.tokenFor(randomUUID(), ['admin']);

function product(amount = 1999): string {
  const id = randomUUID();
  platform.catalog.products.set(id, { price: euro(amount), status: 'active' });
  return id;
}

async function place(customerId: string, amount = 1999, quantity = 1) {
  const res = await platform.send('POST', '/api/orders', {
    token: platform.tokenFor(customerId),
    body: { items: [{ productId: product(amount), quantity }], shippingAddress: address, payment: card },
  });
  expect(res.status).toBe(202);
  return json(res);
}

const read = async (orderId: string, token: string) =>
  json(await platform.send('GET', `/api/orders/${orderId}`, { token }));

const review = (orderId: string, body: unknown, token = admin()) =>
  platform.send('POST', `/api/orders/${orderId}/review`, { token, body });

const topicsAbout = (orderId: string) =>
  platform.published
    .filter((entry) => (entry.event.data as { orderId: string }).orderId === orderId)
    .map((entry) => entry.topic);

async function scorerFallbacks(): Promise<number> {
  const text = await (await fetch(`${platform.url}/metrics`)).text();
  const lines = text.split('\n').filter((line) => line.startsWith('orders_fraud_scorer_fallbacks_total{'));
  return lines.reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

describe('the order state machine', () => {
  it('holds a pending order, and a held one is approved (Pending), rejected or failed (Failed), or cancelled', () => {
    expect(allowedTransitions.Pending).toEqual(['Paid', 'Failed', 'Cancelled', 'OnHold']);
    expect(allowedTransitions.OnHold).toEqual(['Pending', 'Failed', 'Cancelled']);
    expect(canMove('OnHold', 'Paid')).toBe(false);
    expect(canMove('Paid', 'OnHold')).toBe(false);
    expect(sourcesOf('Pending')).toEqual(['OnHold']);
    expect(sourcesOf('OnHold')).toEqual(['Pending']);
    expect(sourcesOf('Failed')).toEqual(['Pending', 'OnHold']);
  });
});

describe('with no fraud service at all (the scorer down): the contract rules alone, from what orders owns', () => {
  it('lets a small order through at score 0, says the scorer was unavailable, and counts the fallback', async () => {
    const before = await scorerFallbacks();
    const customerId = randomUUID();
    const order = await place(customerId);
    expect(order.status).toBe('Pending');
    expect(order).not.toHaveProperty('riskScore');
    expect(platform.opened.get(order.id)?.review).toBe(false);
    const seen = await read(order.id, admin());
    expect(seen).toEqual(
      expect.objectContaining({ status: 'Pending', riskScore: 0, riskReasons: ['scorer-unavailable'] }),
    );
    const own = await read(order.id, platform.tokenFor(customerId));
    expect(own).not.toHaveProperty('riskScore');
    expect(own).not.toHaveProperty('riskReasons');
    expect(await scorerFallbacks()).toBe(before + 1);
  });

  it('holds a total above FRAUD_REVIEW_TOTAL: answered Pending, then order-placed and order-held in that order', async () => {
    const customerId = randomUUID();
    const order = await place(customerId, defaultReviewThresholds.reviewTotal + 1);
    // The placement answer is the contract's Pending view.
    expect(order.status).toBe('Pending');
    expect(platform.opened.get(order.id)?.review).toBe(true);
    expect(await read(order.id, admin())).toEqual(
      expect.objectContaining({
        status: 'OnHold',
        riskScore: 70,
        riskReasons: ['total-above-review-limit', 'scorer-unavailable'],
      }),
    );
    expect((await read(order.id, platform.tokenFor(customerId))).status).toBe('OnHold');
    await eventually(() => expect(topicsAbout(order.id)).toEqual(['orders.order-placed', 'orders.order-held']));
    const held = platform.published.find((e) => e.topic === 'orders.order-held')?.event.data;
    expect(held).toEqual(
      expect.objectContaining({ status: 'OnHold', total: euro(defaultReviewThresholds.reviewTotal + 1) }),
    );
  });

  it('lets a total of exactly FRAUD_REVIEW_TOTAL through', async () => {
    const order = await place(randomUUID(), defaultReviewThresholds.reviewTotal);
    expect((await read(order.id, admin())).status).toBe('Pending');
  });

  it("holds a customer's sixth order within the window, counted from orders' own table", async () => {
    const customerId = randomUUID();
    const five = [];
    for (let i = 0; i < defaultReviewThresholds.velocityLimit; i++) five.push(await place(customerId));
    for (const order of five) expect((await read(order.id, admin())).status).toBe('Pending');
    const sixth = await place(customerId);
    expect(await read(sixth.id, admin())).toEqual(
      expect.objectContaining({ status: 'OnHold', riskReasons: ['customer-velocity', 'scorer-unavailable'] }),
    );
    // Another customer is not slowed by this one's orders.
    expect((await read((await place(randomUUID())).id, admin())).status).toBe('Pending');
  });

  it('lists held orders to an admin with ?status=OnHold, with their scores; the owner sees no score', async () => {
    const customerId = randomUUID();
    const held = await place(customerId, defaultReviewThresholds.reviewTotal + 5);
    const page = await json(await platform.send('GET', '/api/orders?status=OnHold&limit=100', { token: admin() }));
    const listed = (page.items as Array<Record<string, unknown>>).find((item) => item.id === held.id);
    expect(listed).toEqual(expect.objectContaining({ status: 'OnHold', riskScore: 70 }));
    expect((page.items as Array<{ status: string }>).every((item) => item.status === 'OnHold')).toBe(true);
    const own = await json(
      await platform.send('GET', '/api/orders?status=OnHold', { token: platform.tokenFor(customerId) }),
    );
    expect(own.items).toHaveLength(1);
    expect(own.items[0]).not.toHaveProperty('riskScore');
    expect(own.items[0]).not.toHaveProperty('riskReasons');
  });
});

describe('with the fraud service answering', () => {
  it('asks it with a valid assessment request and takes its score: held at FRAUD_REVIEW_SCORE, not below', async () => {
    const fraud = platform.useFraud();
    fraud.behaviour = { kind: 'score', score: 70, reasons: ['new-account', 'country-mismatch'] };
    const held = await place(randomUUID());
    fraud.behaviour = { kind: 'score', score: 69, reasons: ['new-account'] };
    const passed = await place(randomUUID());

    const asked = fraud.requests.find((request) => request.orderId === held.id);
    expect(assessmentRequest.validate(asked).error).toBeUndefined();
    expect(asked).toEqual(
      expect.objectContaining({
        customerId: held.customerId,
        total: euro(1999),
        shippingCountry: 'FR',
        card: { fingerprint: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) },
      }),
    );
    expect(JSON.stringify(fraud.requests)).not.toMatch(/4242\s?4242/);
    expect(await read(held.id, admin())).toEqual(
      expect.objectContaining({ status: 'OnHold', riskScore: 70, riskReasons: ['new-account', 'country-mismatch'] }),
    );
    expect(platform.opened.get(held.id)?.review).toBe(true);
    expect(await read(passed.id, admin())).toEqual(
      expect.objectContaining({ status: 'Pending', riskScore: 69, riskReasons: ['new-account'] }),
    );
    expect(platform.opened.get(passed.id)?.review).toBe(false);
  });

  it.each([
    ['too slow', { kind: 'slow', delayMs: 1_500 }],
    ['failing', { kind: 'failing' }],
    ['answering no assessment', { kind: 'invalid' }],
  ] as const)('falls back to the contract rules when the scorer is %s, within the budget', async (_, behaviour) => {
    const fraud = platform.useFraud();
    fraud.behaviour = behaviour;
    const before = await scorerFallbacks();
    const started = Date.now();
    const held = await place(randomUUID(), defaultReviewThresholds.reviewTotal + 1);
    const passed = await place(randomUUID());
    // Two placements, each waiting at most the budget for the scorer (and the embedded mesh's 5xx retries fit in it).
    expect(Date.now() - started).toBeLessThan(2 * scorerTimeoutMs + 1_000);
    expect(await read(held.id, admin())).toEqual(
      expect.objectContaining({ status: 'OnHold', riskReasons: ['total-above-review-limit', 'scorer-unavailable'] }),
    );
    expect(await read(passed.id, admin())).toEqual(
      expect.objectContaining({ status: 'Pending', riskScore: 0, riskReasons: ['scorer-unavailable'] }),
    );
    expect(await scorerFallbacks()).toBe(before + 2);
    fraud.behaviour = { kind: 'score', score: 0, reasons: [] };
  });
});

describe('a held order', () => {
  async function heldOrder() {
    const fraud = platform.useFraud();
    fraud.behaviour = { kind: 'score', score: 90, reasons: ['card-velocity'] };
    const customerId = randomUUID();
    const order = await place(customerId);
    fraud.behaviour = { kind: 'score', score: 0, reasons: [] };
    expect((await read(order.id, admin())).status).toBe('OnHold');
    return { customerId, order };
  }

  it('is approved by an admin: Pending again, orders.order-approved, the review kept and shown to admins', async () => {
    const { customerId, order } = await heldOrder();
    const reviewer = randomUUID();
    const res = await review(
      order.id,
      { decision: 'approve', note: 'known customer' },
      platform.tokenFor(reviewer, ['admin']),
    );
    expect(res.status).toBe(200);
    const approved = await json(res);
    expect(approved).toEqual(
      expect.objectContaining({
        status: 'Pending',
        riskScore: 90,
        review: { decision: 'approve', note: 'known customer', reviewerId: reviewer, at: expect.any(String) },
      }),
    );
    expect(await read(order.id, admin())).toEqual(approved);
    expect(await read(order.id, platform.tokenFor(customerId))).not.toHaveProperty('review');
    await eventually(() =>
      expect(topicsAbout(order.id)).toEqual(['orders.order-placed', 'orders.order-held', 'orders.order-approved']),
    );
    const event = platform.published.find(
      (e) => e.topic === 'orders.order-approved' && (e.event.data as { orderId: string }).orderId === order.id,
    );
    expect(event?.event.data).toEqual(expect.objectContaining({ status: 'Pending', customerId }));

    // Reviewed once: a second review (a retry, another admin) is refused and changes nothing.
    const again = await review(order.id, { decision: 'reject' });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toMatch(/problem\+json/);
    expect(await json(again)).toEqual(expect.objectContaining({ orderStatus: 'Pending' }));
    // The saga goes on: the payment captured makes it Paid.
    await platform.deliver('payments.payment-succeeded', {
      orderId: order.id,
      paymentId: randomUUID(),
      amount: euro(1999),
      cardLast4: '4242',
      capturedAt: new Date().toISOString(),
    });
    expect((await read(order.id, admin())).status).toBe('Paid');
  });

  it('is rejected by an admin: Failed with FraudSuspected, announced on orders.order-failed', async () => {
    const { order } = await heldOrder();
    const res = await review(order.id, { decision: 'reject' });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual(
      expect.objectContaining({
        status: 'Failed',
        failureReason: 'FraudSuspected',
        review: expect.objectContaining({ decision: 'reject' }),
      }),
    );
    await eventually(() => expect(topicsAbout(order.id)).toContain('orders.order-failed'));
    const failed = platform.published.find(
      (e) => e.topic === 'orders.order-failed' && (e.event.data as { orderId: string }).orderId === order.id,
    );
    expect(failed?.event.data).toEqual(expect.objectContaining({ status: 'Failed', failureReason: 'FraudSuspected' }));
  });

  it('fails on OutOfStock or PaymentDeclined like a pending one, is never paid, and may be cancelled by its owner', async () => {
    const noStock = await heldOrder();
    await platform.deliver('inventory.stock-reservation-failed', {
      orderId: noStock.order.id,
      reason: 'insufficient-stock',
      shortages: [],
    });
    expect(await read(noStock.order.id, admin())).toEqual(
      expect.objectContaining({ status: 'Failed', failureReason: 'OutOfStock' }),
    );

    const declined = await heldOrder();
    await platform.deliver('payments.payment-failed', {
      orderId: declined.order.id,
      paymentId: randomUUID(),
      reason: 'card-declined',
      failedAt: new Date().toISOString(),
    });
    expect(await read(declined.order.id, admin())).toEqual(
      expect.objectContaining({ status: 'Failed', failureReason: 'PaymentDeclined' }),
    );

    const cancelled = await heldOrder();
    await platform.deliver('payments.payment-succeeded', {
      orderId: cancelled.order.id,
      paymentId: randomUUID(),
      amount: euro(1999),
      cardLast4: '4242',
      capturedAt: new Date().toISOString(),
    });
    expect((await read(cancelled.order.id, admin())).status).toBe('OnHold');
    const res = await platform.send('POST', `/api/orders/${cancelled.order.id}/cancel`, {
      token: platform.tokenFor(cancelled.customerId),
    });
    expect(res.status).toBe(200);
    expect((await json(res)).status).toBe('Cancelled');
  });

  it('cannot be reviewed unless OnHold (409), unknown (404), by a customer (403), or with a bad body (400 naming the field)', async () => {
    const pending = await place(randomUUID());
    const notHeld = await review(pending.id, { decision: 'approve' });
    expect(notHeld.status).toBe(409);
    expect(await json(notHeld)).toEqual(expect.objectContaining({ orderStatus: 'Pending' }));

    expect((await review(randomUUID(), { decision: 'approve' })).status).toBe(404);

    const { customerId, order } = await heldOrder();
    expect((await review(order.id, { decision: 'approve' }, platform.tokenFor(customerId))).status).toBe(403);

    const fieldsOf = async (body: unknown) => {
      const res = await review(order.id, body);
      expect(res.status).toBe(400);
      return ((await json(res)).errors as Array<{ path: string }>).map((error) => error.path);
    };
    expect(await fieldsOf({})).toContain('body.decision');
    expect(await fieldsOf({ decision: 'maybe' })).toContain('body.decision');
    expect(await fieldsOf({ decision: 'approve', note: 'x'.repeat(501) })).toContain('body.note');
    expect((await read(order.id, admin())).status).toBe('OnHold');
  });
});
