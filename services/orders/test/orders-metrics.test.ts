import { randomUUID } from 'node:crypto';
import { json } from '@shop/testkit/src/listen';
import { type OrdersPlatform, startOrders } from './support/orders-platform';

let platform: OrdersPlatform;
beforeAll(async () => {
  platform = await startOrders();
});
afterAll(() => platform.stopAll());

const euro = (amount: number) => ({ amount, currency: 'EUR' });

/** One series' value on the platform's /metrics, 0 when it has none yet. */
async function metric(series: string): Promise<number> {
  const text = await (await platform.send('GET', '/metrics')).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

async function placeOrder(customerId: string): Promise<string> {
  const productId = randomUUID();
  platform.catalog.products.set(productId, { price: euro(1999), status: 'active' });
  const res = await platform.send('POST', '/api/orders', {
    token: platform.tokenFor(customerId),
    body: {
      items: [{ productId, quantity: 1 }],
      shippingAddress: { line1: '1 Rue de Rivoli', city: 'Paris', postalCode: '75001', country: 'fr' },
      payment: { cardNumber: '4242 4242 4242 4242', expMonth: 12, expYear: 2099, cvc: '123' },
    },
  });
  expect(res.status).toBe(202);
  return (await json(res)).id;
}

describe('the orders metrics', () => {
  it('counts placements and saga moves by the status entered, once however often the event comes', async () => {
    const pendingBefore = await metric('orders_status_changes_total{status="Pending"}');
    const paidBefore = await metric('orders_status_changes_total{status="Paid"}');
    const orderId = await placeOrder(randomUUID());
    expect(await metric('orders_status_changes_total{status="Pending"}')).toBe(pendingBefore + 1);

    const eventId = randomUUID();
    const succeeded = {
      orderId,
      paymentId: randomUUID(),
      amount: euro(1999),
      cardLast4: '4242',
      capturedAt: new Date().toISOString(),
    };
    await platform.deliver('payments.payment-succeeded', succeeded, eventId);
    await platform.deliver('payments.payment-succeeded', succeeded, eventId);
    await platform.deliver('payments.payment-succeeded', succeeded);
    expect(await metric('orders_status_changes_total{status="Paid"}')).toBe(paidBefore + 1);
  });

  it('reads the age of the order longest in Pending, which is 0 again once no order waits', async () => {
    const customerId = randomUUID();
    const orderId = await placeOrder(customerId);
    const waited = await metric('orders_pending_oldest_age_seconds');
    expect(waited).toBeGreaterThan(0);
    // Older than every other Pending order of this file: its age is the one reported.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await metric('orders_pending_oldest_age_seconds')).toBeGreaterThanOrEqual(waited + 1);

    const cancelled = await platform.send('POST', `/api/orders/${orderId}/cancel`, {
      token: platform.tokenFor(customerId),
    });
    expect(cancelled.status).toBe(200);
    expect(await metric('orders_pending_oldest_age_seconds')).toBe(0);
  });
});
