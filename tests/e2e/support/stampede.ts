import { randomUUID } from 'node:crypto';
import { defaultReviewThresholds } from '@shop/contracts';
import { json } from '@shop/testkit/src/listen';
import { adminToken, bearer, newCustomer, postJson, type TestCustomer } from './accounts';
import { eventually } from './eventually';
import { get, levelsOf, payment, shippingAddress } from './shop';

export interface OrderOutcome {
  id: string;
  customerId: string;
  status: string;
  failureReason?: string;
}

export interface PaymentView {
  id: string;
  orderId: string;
  status: string;
  amount: { amount: number; currency: string };
  refundedAmount: { amount: number; currency: string };
}

/** Registers `count` customers, a few at a time (each registration is a deliberately slow password hash). */
export async function customers(count: number): Promise<TestCustomer[]> {
  const all: TestCustomer[] = [];
  while (all.length < count) {
    const batch = Math.min(5, count - all.length);
    all.push(...(await Promise.all(Array.from({ length: batch }, () => newCustomer()))));
  }
  return all;
}

/**
 * Enough customers to place `orders` orders within ten minutes without any being held for fraud review: the contract
 * holds a customer's sixth order within ten minutes (FRAUD_VELOCITY_LIMIT), so at most five each. Spread the orders
 * round-robin over them (placeAtOnce does, `startAt` continuing where the last call left off).
 */
export function customersFor(orders: number): Promise<TestCustomer[]> {
  return customers(Math.ceil(orders / defaultReviewThresholds.velocityLimit));
}

/**
 * Places `count` one-unit orders for `productId` at once, spread over `buyers` round-robin, as a careful client
 * does: each order under its own Idempotency-Key, sent again with that key while the platform answers that it is
 * busy (409 in progress, 502, 503, 504) or the connection fails, so an overloaded machine slows the stampede down
 * but never turns it into lost or doubled orders. Answers the ids of the orders accepted (202); any other answer
 * fails the test with its body. `retryBusy: false` sends each once (a test that takes services down on purpose).
 * The first order goes to `buyers[startAt]` (0 by default).
 */
export async function placeAtOnce(
  productId: string,
  buyers: TestCustomer[],
  count: number,
  options: { retryBusy?: boolean; startAt?: number } = {},
): Promise<string[]> {
  const attempts = options.retryBusy === false ? 1 : maxAttempts;
  const startAt = options.startAt ?? 0;
  return Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const buyer = buyers[(startAt + index) % buyers.length] as TestCustomer;
      const body = { items: [{ productId, quantity: 1 }], shippingAddress, payment: payment() };
      const headers = { ...bearer(buyer.accessToken), 'idempotency-key': randomUUID() };
      for (let attempt = 1; ; attempt++) {
        const res = await postJson('/api/orders', body, headers).catch((error: Error) => error);
        if (!(res instanceof Error) && res.status === 202) return (await json(res)).id as string;
        const busy = res instanceof Error || [409, 502, 503, 504].includes(res.status);
        const answer = res instanceof Error ? res.message : `${res.status}: ${await res.text()}`;
        if (!busy || attempt >= attempts) throw new Error(`order ${index} answered ${answer}`);
        await sleep(Math.min(2_000, 200 * attempt));
      }
    }),
  );
}

const maxAttempts = 30;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every item of a list endpoint (CONTRACT.md lists: `{items, nextCursor}`), following the cursor to the end. */
async function everyItem<T>(path: string, token: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `${path}?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = await json(await get(query, token));
    items.push(...(page.items as T[]));
    cursor = page.nextCursor as string | null;
  } while (cursor);
  return items;
}

/** Every order of these customers, as the orders API lists them to their owners. */
export async function ordersOf(buyers: TestCustomer[]): Promise<OrderOutcome[]> {
  const all: OrderOutcome[] = [];
  for (const buyer of buyers) all.push(...(await everyItem<OrderOutcome>('/api/orders', buyer.accessToken)));
  return all;
}

const terminal = new Set(['Paid', 'Failed', 'Cancelled']);

/** Waits until none of the given orders is Pending any more, and answers them all. */
export async function settled(orderIds: string[], buyers: TestCustomer[], timeoutMs = 60_000): Promise<OrderOutcome[]> {
  const wanted = new Set(orderIds);
  return eventually(async () => {
    const orders = (await ordersOf(buyers)).filter((order) => wanted.has(order.id));
    const open = orders.filter((order) => !terminal.has(order.status));
    if (orders.length !== wanted.size || open.length > 0) {
      throw new Error(`${open.length} of ${orders.length}/${wanted.size} orders still open`);
    }
    return orders;
  }, timeoutMs);
}

/** Every payment on the platform, as the admin sees them, keyed by order id (one payment per order). */
export async function paymentsByOrder(): Promise<Map<string, PaymentView[]>> {
  const byOrder = new Map<string, PaymentView[]>();
  for (const item of await everyItem<PaymentView>('/api/payments', await adminToken())) {
    byOrder.set(item.orderId, [...(byOrder.get(item.orderId) ?? []), item]);
  }
  return byOrder;
}

/**
 * Samples a product's stock levels until stopped, so a test can claim more than the end state: the lowest
 * `available` and `reserved` seen while the orders ran.
 */
export function watchLevels(productId: string): {
  stop(): Promise<{ samples: number; minAvailable: number; minReserved: number }>;
} {
  let running = true;
  let samples = 0;
  let minAvailable = Number.POSITIVE_INFINITY;
  let minReserved = Number.POSITIVE_INFINITY;
  const loop = (async () => {
    while (running) {
      try {
        const levels = await levelsOf(productId);
        if (typeof levels.available !== 'number') throw new Error('no levels in this answer');
        samples++;
        minAvailable = Math.min(minAvailable, levels.available);
        minReserved = Math.min(minReserved, levels.reserved);
      } catch {
        // A restarting service answers nothing for a moment; the next sample counts.
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { samples, minAvailable, minReserved };
    },
  };
}

/**
 * What must hold once a stampede on one product settled: exactly `stock` orders Paid and the rest Failed
 * for want of stock, the stock all sold, one captured payment for each Paid order and no money taken for
 * any other.
 */
export async function expectSoldOutExactly(productId: string, stock: number, orders: OrderOutcome[]): Promise<void> {
  const paid = orders.filter((order) => order.status === 'Paid');
  const failed = orders.filter((order) => order.status === 'Failed');
  expect(paid).toHaveLength(stock);
  expect(failed).toHaveLength(orders.length - stock);
  expect(new Set(failed.map((order) => order.failureReason))).toEqual(new Set(['OutOfStock']));
  await eventually(async () =>
    expect(await levelsOf(productId)).toEqual({ productId, onHand: 0, reserved: 0, available: 0 }),
  );
  // Payments settle a moment after the orders do: a failed order's pending payment is voided by an event.
  await eventually(async () => {
    const payments = await paymentsByOrder();
    for (const order of paid)
      expect([order.id, (payments.get(order.id) ?? []).map((p) => p.status)]).toEqual([order.id, ['captured']]);
    for (const order of failed)
      expect([order.id, (payments.get(order.id) ?? []).map((p) => p.status)]).toEqual([order.id, ['voided']]);
  });
}
