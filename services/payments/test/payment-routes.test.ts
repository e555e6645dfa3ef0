import { randomUUID } from 'node:crypto';
import { type PaymentRefunded, topics } from '@shop/contracts';
import { json } from '@shop/testkit/src/listen';
import { cards, eventually, type RunningPayments, startPayments } from './support/payments-platform';

let payments: RunningPayments;

beforeAll(async () => {
  payments = await startPayments();
});
afterAll(() => payments.stop());

/** A payment captured for an order of `amount` EUR cents. */
async function capturedPayment(amount = 1000, currency = 'EUR') {
  const order = await payments.placeOrder(cards.approved, { amount, currency });
  await payments.reserved(order.orderId);
  const payment = await payments.paymentIn(order.orderId, 'captured');
  return { ...order, payment };
}

const refundedEventsFor = (paymentId: string) =>
  payments.events<PaymentRefunded>(topics.paymentRefunded).filter((event) => event.paymentId === paymentId);

describe('refunds (POST /api/payments/:id/refunds)', () => {
  it('refunds part of a payment, then the rest, and refuses anything beyond the captured amount with 409', async () => {
    const { payment } = await capturedPayment(1000);
    const first = await payments.refund(payment.id, { amount: 400, currency: 'EUR' });
    expect(first.status).toBe(201);
    expect(await json(first)).toEqual({
      id: expect.any(String),
      paymentId: payment.id,
      orderId: payment.orderId,
      amount: { amount: 400, currency: 'EUR' },
      reason: 'customer asked',
      status: 'succeeded',
      createdAt: expect.any(String),
    });
    expect((await payments.paymentOf(payment.orderId))?.status).toBe('partially_refunded');

    const tooMuch = await payments.refund(payment.id, { amount: 601, currency: 'EUR' });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await json(tooMuch)).toEqual(
      expect.objectContaining({ status: 409, refundable: { amount: 600, currency: 'EUR' } }),
    );

    expect((await payments.refund(payment.id, { amount: 600, currency: 'EUR' })).status).toBe(201);
    const after = await payments.paymentOf(payment.orderId);
    expect(after).toEqual(
      expect.objectContaining({ status: 'refunded', refundedAmount: { amount: 1000, currency: 'EUR' } }),
    );
    expect((await payments.refund(payment.id, { amount: 1, currency: 'EUR' })).status).toBe(409);

    await eventually(() =>
      expect(refundedEventsFor(payment.id).map((event) => event.refundedTotal.amount)).toEqual([400, 1000]),
    );
    const detail = await json(
      await payments.request('GET', `/api/payments/${payment.id}`, { token: payments.tokens.admin }),
    );
    expect(detail.refunds.map((refund: { amount: { amount: number } }) => refund.amount.amount)).toEqual([400, 600]);
  });

  it('refunds once for the same Idempotency-Key sent twice, replaying the first answer', async () => {
    const { payment } = await capturedPayment(1000);
    const key = `refund-${randomUUID()}`;
    const first = await payments.refund(payment.id, { amount: 250, currency: 'EUR' }, { 'Idempotency-Key': key });
    const second = await payments.refund(payment.id, { amount: 250, currency: 'EUR' }, { 'Idempotency-Key': key });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await json(second)).toEqual(await json(first));

    const other = await payments.refund(payment.id, { amount: 300, currency: 'EUR' }, { 'Idempotency-Key': key });
    expect(other.status).toBe(409);

    expect((await payments.paymentOf(payment.orderId))?.refundedAmount.amount).toBe(250);
    await payments.platform.bus.drain();
    await eventually(() => expect(refundedEventsFor(payment.id)).toHaveLength(1));
    const gatewayRefunds = await payments.gatewayQuery(
      'SELECT r.amount FROM gateway_refunds r JOIN gateway_charges c ON c.id = r.charge_id WHERE c.idempotency_key = ?',
      [`payment:${payment.id}`],
    );
    expect(gatewayRefunds).toEqual([{ amount: 250 }]);
  });

  it('replays a refusal for its key too', async () => {
    const { payment } = await capturedPayment(100);
    const key = randomUUID();
    const first = await payments.refund(payment.id, { amount: 101, currency: 'EUR' }, { 'Idempotency-Key': key });
    const again = await payments.refund(payment.id, { amount: 101, currency: 'EUR' }, { 'Idempotency-Key': key });
    expect([first.status, again.status]).toEqual([409, 409]);
    expect(again.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('refuses another currency, a payment not captured, and an unknown payment', async () => {
    const { payment } = await capturedPayment(1000, 'EUR');
    const currency = await payments.refund(payment.id, { amount: 100, currency: 'USD' });
    expect(currency.status).toBe(409);
    expect((await json(currency)).title).toBe('Currency mismatch');

    const pending = await payments.placeOrder();
    const notCaptured = await payments.refund(pending.payment?.id as string, { amount: 100, currency: 'EUR' });
    expect(notCaptured.status).toBe(409);
    expect((await json(notCaptured)).detail).toMatch(/pending/);

    expect((await payments.refund(randomUUID(), { amount: 100, currency: 'EUR' })).status).toBe(404);
  });

  it('names every bad field of the request', async () => {
    const { payment } = await capturedPayment(1000);
    const res = await payments.request('POST', `/api/payments/${payment.id}/refunds`, {
      token: payments.tokens.admin,
      body: { amount: { amount: 0.5, currency: 'euro' } },
    });
    expect(res.status).toBe(400);
    const paths = (await json(res)).errors.map((error: { path: string }) => error.path);
    expect(paths).toEqual(expect.arrayContaining(['body.amount.amount', 'body.amount.currency', 'body.reason']));
  });

  it('is for admins only', async () => {
    const { payment, customerId } = await capturedPayment(1000);
    const body = { amount: { amount: 100, currency: 'EUR' }, reason: 'mine' };
    const path = `/api/payments/${payment.id}/refunds`;
    expect((await payments.request('POST', path, { body })).status).toBe(401);
    expect((await payments.request('POST', path, { body, token: payments.tokens.customer(customerId) })).status).toBe(
      403,
    );
  });
});

describe('reading payments (GET /api/payments, GET /api/payments/:id)', () => {
  it("lets a customer read their own order's payment, and nobody else's", async () => {
    const mine = await payments.placeOrder();
    const theirs = await payments.placeOrder();
    const token = payments.tokens.customer(mine.customerId);

    const own = await json(await payments.request('GET', `/api/payments?orderId=${mine.orderId}`, { token }));
    expect(own).toEqual({ items: [expect.objectContaining({ orderId: mine.orderId })], nextCursor: null });
    const other = await json(await payments.request('GET', `/api/payments?orderId=${theirs.orderId}`, { token }));
    expect(other).toEqual({ items: [], nextCursor: null });

    expect((await payments.request('GET', `/api/payments/${mine.payment?.id}`, { token })).status).toBe(200);
    expect((await payments.request('GET', `/api/payments/${theirs.payment?.id}`, { token })).status).toBe(404);
    const all = await json(await payments.request('GET', '/api/payments', { token }));
    expect(all.items.map((payment: { orderId: string }) => payment.orderId)).toEqual([mine.orderId]);
  });

  it('needs a token', async () => {
    expect((await payments.request('GET', '/api/payments')).status).toBe(401);
    expect((await payments.request('GET', `/api/payments/${randomUUID()}`)).status).toBe(401);
  });

  it('answers 404 for an unknown payment and 400 for a malformed id or cursor', async () => {
    const token = payments.tokens.admin;
    expect((await payments.request('GET', `/api/payments/${randomUUID()}`, { token })).status).toBe(404);
    expect((await payments.request('GET', '/api/payments/not-a-uuid', { token })).status).toBe(400);
    const badCursor = await payments.request('GET', '/api/payments?cursor=nonsense', { token });
    expect(badCursor.status).toBe(400);
    expect((await json(badCursor)).errors).toEqual([{ path: 'query.cursor', message: expect.any(String) }]);
  });

  it('pages through every payment, newest first, without gaps', async () => {
    for (let i = 0; i < 5; i++) await payments.placeOrder();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const page = await json(
        await payments.request('GET', `/api/payments?limit=2${query}`, { token: payments.tokens.admin }),
      );
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((payment: { id: string }) => payment.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    const rows = await payments.everyRow();
    const expected = (rows['payments.sqlite:payments'] ?? [])
      .sort(
        (a, b) => String(b.created_at).localeCompare(String(a.created_at)) || String(b.id).localeCompare(String(a.id)),
      )
      .map((row) => row.id);
    expect(seen).toEqual(expected);
  });
});
