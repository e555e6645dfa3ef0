import type { EventEnvelope } from '@shop/contracts';
import type { DeliveryOutcome, ServiceManifest, Subscription } from '@shop/kit';
import { json } from '@shop/testkit/src/listen';
import { services } from '../../services/edge/src/services';
import { type SmtpInbox, startSmtpInbox } from '../../services/notifications/test/support/smtp-inbox';
import { bearer, newCustomer, postJson } from '../e2e/support/accounts';
import { eventually } from '../e2e/support/eventually';
import {
  get,
  levelsOf,
  orderReaching,
  payment,
  productWithStock,
  shippingAddress,
  testCards,
} from '../e2e/support/shop';
import { customersFor, expectSoldOutExactly, placeAtOnce, settled } from '../e2e/support/stampede';
import { type SystemEmbeddedPlatform, startEmbeddedPlatform } from './support/embedded-platform';

/**
 * Every consumer of every service gets each event three times: twice at once, then once more after both
 * finished, so the saga's idempotency is tested against concurrent and late duplicates at every step.
 */
const handlerRuns = new Map<string, number>();

function deliveringEverythingThrice(app: string, subscription: Subscription): Subscription {
  const copy = (event: EventEnvelope) => JSON.parse(JSON.stringify(event)) as EventEnvelope;
  const outcome = async (event: EventEnvelope): Promise<DeliveryOutcome> => {
    const key = `${app} ${subscription.topic}`;
    handlerRuns.set(key, (handlerRuns.get(key) ?? 0) + 1);
    try {
      return (await subscription.handle(copy(event))) ?? 'success';
    } catch {
      return 'retry';
    }
  };
  return {
    topic: subscription.topic,
    async handle(event) {
      const outcomes = await Promise.all([outcome(event), outcome(event)]);
      outcomes.push(await outcome(event));
      if (outcomes.includes('retry')) return 'retry';
      return outcomes.includes('drop') ? 'drop' : 'success';
    },
  };
}

function withDuplicates(manifest: ServiceManifest): ServiceManifest {
  return {
    ...manifest,
    async setup(context) {
      const parts = await manifest.setup(context);
      return { ...parts, subscriptions: parts.subscriptions?.map((s) => deliveringEverythingThrice(manifest.name, s)) };
    },
  };
}

function expectOnce(orderId: string, topics: string[]): void {
  for (const topic of topics) expect([topic, shop.eventsAbout(orderId, topic).length]).toEqual([topic, 1]);
}

let shop: SystemEmbeddedPlatform;
/** The SMTP server the notifications service sends to. */
let smtp: SmtpInbox;

beforeAll(async () => {
  smtp = await startSmtpInbox();
  shop = await startEmbeddedPlatform(services.map(withDuplicates), {
    name: 'every-event-twice',
    env: { SMTP_URL: smtp.url, NOTIFICATION_SEND_INTERVAL_MS: '50' },
    recordPublished: true,
  });
}, 60_000);

afterAll(async () => {
  await shop?.stop();
  await smtp?.close();
});

async function placeOne(token: string, productId: string, quantity: number, cardNumber?: string) {
  const res = await postJson(
    '/api/orders',
    { items: [{ productId, quantity }], shippingAddress, payment: payment(cardNumber) },
    bearer(token),
  );
  expect(res.status).toBe(202);
  return (await json(res)).id as string;
}

async function paymentsOf(orderId: string, token: string) {
  return (await json(await get(`/api/payments?orderId=${orderId}`, token))).items as Array<Record<string, unknown>>;
}

describe('every event delivered to every consumer three times (twice at once, once late)', () => {
  it('an approved order: one reservation, one charge, one deduction, one email per event', async () => {
    const productId = await productWithStock(10, 1999);
    const customer = await newCustomer();
    const orderId = await placeOne(customer.accessToken, productId, 3);
    await orderReaching(orderId, customer.accessToken, ['Paid']);
    await eventually(async () => {
      expect(await levelsOf(productId)).toEqual({ productId, onHand: 7, reserved: 0, available: 7 });
      expect(await paymentsOf(orderId, customer.accessToken)).toEqual([
        expect.objectContaining({ status: 'captured', amount: { amount: 5997, currency: 'EUR' } }),
      ]);
      expectOnce(orderId, [
        'orders.order-placed',
        'inventory.stock-reserved',
        'payments.payment-succeeded',
        'orders.order-paid',
        'inventory.stock-committed',
      ]);
    });
    expect(shop.eventsAbout(orderId, 'payments.payment-failed')).toEqual([]);
    // One email per event: the welcome and the confirmation, however often each event came.
    await eventually(async () => expect(smtp.to(customer.email)).toHaveLength(2));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.to(customer.email).map((mail) => mail.parsed.subject)).toEqual([
      'Welcome to the shop, Ada Lovelace',
      `Your order ${orderId} is confirmed`,
    ]);
  });

  it('a declined card: one failure, the stock released once', async () => {
    const productId = await productWithStock(5);
    const customer = await newCustomer();
    const orderId = await placeOne(customer.accessToken, productId, 2, testCards.declined);
    const order = await orderReaching(orderId, customer.accessToken, ['Failed']);
    expect(order.failureReason).toBe('PaymentDeclined');
    await eventually(async () => {
      expect(await levelsOf(productId)).toEqual({ productId, onHand: 5, reserved: 0, available: 5 });
      expectOnce(orderId, [
        'inventory.stock-reserved',
        'payments.payment-failed',
        'orders.order-failed',
        'inventory.stock-released',
      ]);
    });
    expect(await paymentsOf(orderId, customer.accessToken)).toEqual([expect.objectContaining({ status: 'failed' })]);
  });

  it('out of stock: one reservation failure, no charge', async () => {
    const productId = await productWithStock(1);
    const customer = await newCustomer();
    const orderId = await placeOne(customer.accessToken, productId, 2);
    const order = await orderReaching(orderId, customer.accessToken, ['Failed']);
    expect(order.failureReason).toBe('OutOfStock');
    await eventually(async () => {
      expectOnce(orderId, ['inventory.stock-reservation-failed', 'orders.order-failed']);
      expect(await paymentsOf(orderId, customer.accessToken)).toEqual([expect.objectContaining({ status: 'voided' })]);
    });
    expect(await levelsOf(productId)).toEqual({ productId, onHand: 1, reserved: 0, available: 1 });
  });

  it('a cancelled paid order: one refund of the whole amount, the stock back once', async () => {
    const productId = await productWithStock(4, 700);
    const customer = await newCustomer();
    const orderId = await placeOne(customer.accessToken, productId, 2);
    await orderReaching(orderId, customer.accessToken, ['Paid']);
    const cancel = await postJson(`/api/orders/${orderId}/cancel`, {}, bearer(customer.accessToken));
    expect(cancel.status).toBe(200);
    await eventually(async () => {
      expect(await levelsOf(productId)).toEqual({ productId, onHand: 4, reserved: 0, available: 4 });
      expect(await paymentsOf(orderId, customer.accessToken)).toEqual([
        expect.objectContaining({ status: 'refunded', refundedAmount: { amount: 1400, currency: 'EUR' } }),
      ]);
      expectOnce(orderId, ['orders.order-cancelled', 'payments.payment-refunded']);
    });
  });

  it('a stampede of 60 orders for 20 units: exactly 20 Paid, one payment each', async () => {
    const productId = await productWithStock(20);
    // Five orders per buyer at most: a sixth within ten minutes would be held for review.
    const buyers = await customersFor(60);
    const orderIds = await placeAtOnce(productId, buyers, 60);
    const orders = await settled(orderIds, buyers, 60_000);
    await expectSoldOutExactly(productId, 20, orders);
  }, 120_000);

  it('really ran every saga handler three times per event', () => {
    const placedEvents = new Set(
      shop.published.filter((e) => e.topic === 'orders.order-placed').map((e) => e.event.id),
    );
    expect(placedEvents.size).toBeGreaterThan(60);
    const reservedEvents = new Set(
      shop.published.filter((e) => e.topic === 'inventory.stock-reserved').map((e) => e.event.id),
    );
    expect(reservedEvents.size).toBeGreaterThan(20);
    for (const [consumer, events] of [
      ['inventory orders.order-placed', placedEvents],
      ['payments inventory.stock-reserved', reservedEvents],
    ] as const) {
      expect([consumer, handlerRuns.get(consumer)]).toEqual([consumer, expect.any(Number)]);
      expect(handlerRuns.get(consumer)).toBeGreaterThanOrEqual(3 * events.size);
    }
  });
});
