// The fraud review as customers and admins meet it, in both topologies (CONTRACT.md, "Recommendations and fraud"):
// which orders are held (OnHold), what admins and customers see of the score, the review's approve and reject with
// their effects on stock and payment, and the review's refusals. Black box: HTTP to the origin, and the emails the
// platform really sent.
import { randomUUID } from 'node:crypto';
import { HttpTransportType, HubConnectionBuilder, LogLevel } from '@microsoft/signalr';
import { json } from '@shop/testkit/src/listen';
import { adminToken, bearer, newCustomer, postJson, type TestCustomer } from './support/accounts';
import { baseUrl } from './support/base-url';
import { eventually } from './support/eventually';
import { mailsTo } from './support/mail-catcher';
import { get, levelsOf, orderReaching, payment, productWithStock, shippingAddress } from './support/shop';

/** CONTRACT.md's defaults: FRAUD_REVIEW_TOTAL, FRAUD_REVIEW_SCORE, and the total that is never held. */
const reviewTotal = 500_000;
const reviewScore = 70;
const safeTotal = 100_000;

/** A price above the review total: one unit makes an order that must be held. */
const bigPrice = reviewTotal + 100_000;

/** The saga's steps around a review, several waits long on a machine busy with the whole suite. */
const reviewTestMs = 90_000;

async function place(customer: TestCustomer, productId: string, quantity = 1) {
  const res = await postJson(
    '/api/orders',
    { items: [{ productId, quantity }], shippingAddress, payment: payment() },
    bearer(customer.accessToken),
  );
  if (res.status !== 202) throw new Error(`placing answered ${res.status}: ${await res.text()}`);
  const placed = await json(res);
  // Held or not, the placement answers the contract's Pending view.
  expect(placed.status).toBe('Pending');
  return placed.id as string;
}

async function review(orderId: string, body: unknown, token?: string) {
  return postJson(`/api/orders/${orderId}/review`, body, bearer(token ?? (await adminToken())));
}

async function paymentsOf(orderId: string) {
  const answer = await get(`/api/payments?orderId=${orderId}`, await adminToken());
  expect(answer.status).toBe(200);
  return (await json(answer)).items as Array<{ orderId: string; status: string }>;
}

/** The statuses `/hubs/orders` tells the customer, per order, in the order they came. */
async function orderStatusFeed(customer: TestCustomer) {
  const connection = new HubConnectionBuilder()
    .withUrl(`${baseUrl()}/hubs/orders`, {
      transport: HttpTransportType.WebSockets,
      accessTokenFactory: () => customer.accessToken,
    })
    .configureLogging(LogLevel.None)
    .build();
  const heard: Array<{ orderId: string; status: string }> = [];
  connection.on('OrderStatusChanged', (change: { orderId: string; status: string }) => heard.push(change));
  await connection.start();
  return {
    statusesOf: (orderId: string) =>
      heard.filter((change) => change.orderId === orderId).map((change) => change.status),
    stop: () => connection.stop(),
  };
}

/** An order above the review total by a fresh customer, once it is OnHold with its stock reserved. */
async function heldOrder(stock = 3, customer?: TestCustomer) {
  const productId = await productWithStock(stock, bigPrice);
  customer ??= await newCustomer();
  const orderId = await place(customer, productId);
  await orderReaching(orderId, customer.accessToken, ['OnHold']);
  await eventually(async () =>
    expect(await levelsOf(productId)).toEqual({ productId, onHand: stock, reserved: 1, available: stock - 1 }),
  );
  return { productId, customer, orderId };
}

describe('fraud review (CONTRACT.md, Recommendations and fraud)', () => {
  it(
    'holds a total above FRAUD_REVIEW_TOTAL: OnHold, its stock reserved, nothing captured; admins see the score, customers never',
    async () => {
      const { productId, customer, orderId } = await heldOrder();

      const admin = await adminToken();
      const adminView = await json(await get(`/api/orders/${orderId}`, admin));
      expect(adminView).toEqual(
        expect.objectContaining({
          id: orderId,
          status: 'OnHold',
          total: { amount: bigPrice, currency: 'EUR' },
          riskScore: expect.any(Number),
          riskReasons: expect.arrayContaining([expect.any(String)]),
        }),
      );
      expect(adminView.riskScore).toBeGreaterThanOrEqual(reviewScore);
      expect(adminView.riskScore).toBeLessThanOrEqual(100);
      const adminList = await json(await get('/api/orders?status=OnHold&limit=100', admin));
      expect(adminList.items).toContainEqual(
        expect.objectContaining({ id: orderId, status: 'OnHold', riskScore: adminView.riskScore }),
      );

      const ownView = await json(await get(`/api/orders/${orderId}`, customer.accessToken));
      expect(ownView).toEqual(expect.objectContaining({ id: orderId, status: 'OnHold' }));
      expect(ownView).not.toHaveProperty('riskScore');
      expect(ownView).not.toHaveProperty('riskReasons');
      const ownList = await json(await get('/api/orders', customer.accessToken));
      expect(ownList.items).toEqual([expect.objectContaining({ id: orderId, status: 'OnHold' })]);
      expect(JSON.stringify(ownList)).not.toMatch(/riskScore|riskReasons/);

      // Waiting for the review changes nothing: still held, still reserved, not captured.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect((await json(await get(`/api/orders/${orderId}`, customer.accessToken))).status).toBe('OnHold');
      expect(await levelsOf(productId)).toEqual({ productId, onHand: 3, reserved: 1, available: 2 });
      for (const entry of await paymentsOf(orderId)) expect(['pending', 'authorized']).toContain(entry.status);
      // No confirmation while held (the welcome is all the customer got).
      expect((await mailsTo(customer.email)).map((mail) => mail.parsed.subject)).not.toContainEqual(
        expect.stringContaining(orderId),
      );
    },
    reviewTestMs,
  );

  it(
    'holds the sixth order of one customer within 10 minutes, not the five before it',
    async () => {
      const productId = await productWithStock(10, 1_000);
      const customer = await newCustomer();
      const first = [];
      for (let n = 0; n < 5; n++) first.push(await place(customer, productId));
      const sixth = await place(customer, productId);

      expect((await orderReaching(sixth, customer.accessToken, ['OnHold', 'Paid', 'Failed'])).status).toBe('OnHold');
      for (const orderId of first) {
        expect((await orderReaching(orderId, customer.accessToken, ['Paid', 'OnHold', 'Failed'])).status).toBe('Paid');
      }
      const adminView = await json(await get(`/api/orders/${sixth}`, await adminToken()));
      expect(adminView.riskScore).toBeGreaterThanOrEqual(reviewScore);
      await eventually(async () => expect((await levelsOf(productId)).reserved).toBe(1));
    },
    reviewTestMs,
  );

  it(
    'never holds a small order by a fresh customer: it goes on to Paid with a score below the threshold',
    async () => {
      const productId = await productWithStock(2, safeTotal);
      const customer = await newCustomer();
      const orderId = await place(customer, productId);
      const paid = await orderReaching(orderId, customer.accessToken, ['Paid', 'OnHold', 'Failed']);
      expect(paid.status).toBe('Paid');
      const adminView = await json(await get(`/api/orders/${orderId}`, await adminToken()));
      expect(adminView.riskScore).toBeGreaterThanOrEqual(0);
      expect(adminView.riskScore).toBeLessThan(reviewScore);
      expect(adminView.riskReasons).toEqual(expect.any(Array));
    },
    reviewTestMs,
  );

  it(
    'approve: the held order goes on to Paid, its stock taken, its payment captured, then its confirmation sent',
    async () => {
      const customer = await newCustomer();
      const feed = await orderStatusFeed(customer);
      try {
        const { productId, orderId } = await heldOrder(3, customer);
        const approved = await review(orderId, { decision: 'approve', note: 'called the customer, all good' });
        expect(approved.status).toBe(200);
        expect((await json(approved)).id).toBe(orderId);

        expect((await orderReaching(orderId, customer.accessToken, ['Paid', 'Failed'])).status).toBe('Paid');
        await eventually(async () =>
          expect(await levelsOf(productId)).toEqual({ productId, onHand: 2, reserved: 0, available: 2 }),
        );
        await eventually(async () =>
          expect(await paymentsOf(orderId)).toEqual([expect.objectContaining({ orderId, status: 'captured' })]),
        );
        await eventually(async () =>
          expect((await mailsTo(customer.email)).map((mail) => mail.parsed.subject)).toContain(
            `Your order ${orderId} is confirmed`,
          ),
        );
        // Reviewed once: a second decision finds it no longer OnHold.
        expect((await review(orderId, { decision: 'reject' })).status).toBe(409);
        // The customer's live feed: held, Pending again once approved, then Paid (the placement's own Pending first,
        // unless the hold overtook it).
        await eventually(async () =>
          expect(feed.statusesOf(orderId).filter((status, n) => n > 0 || status !== 'Pending')).toEqual([
            'OnHold',
            'Pending',
            'Paid',
          ]),
        );
      } finally {
        await feed.stop();
      }
    },
    reviewTestMs,
  );

  it(
    'reject: Failed with FraudSuspected, its stock available again, its payment voided, nothing captured',
    async () => {
      const { productId, customer, orderId } = await heldOrder();
      const rejected = await review(orderId, { decision: 'reject', note: 'card reported stolen' });
      expect(rejected.status).toBe(200);

      const failed = await orderReaching(orderId, customer.accessToken, ['Failed', 'Paid']);
      expect(failed).toEqual(expect.objectContaining({ status: 'Failed', failureReason: 'FraudSuspected' }));
      await eventually(async () =>
        expect(await levelsOf(productId)).toEqual({ productId, onHand: 3, reserved: 0, available: 3 }),
      );
      await eventually(async () =>
        expect(await paymentsOf(orderId)).toEqual([expect.objectContaining({ orderId, status: 'voided' })]),
      );
      const subjects = async () => (await mailsTo(customer.email)).map((mail) => mail.parsed.subject);
      await eventually(async () => expect(await subjects()).toContain(`Your order ${orderId} could not be completed`));
      expect(await subjects()).not.toContain(`Your order ${orderId} is confirmed`);
    },
    reviewTestMs,
  );

  it(
    'refuses a review of an order that is not OnHold (409), by a customer (403), with a bad decision (400), of no order (404)',
    async () => {
      const productId = await productWithStock(2, 1_000);
      const customer = await newCustomer();
      const paidId = await place(customer, productId);
      await orderReaching(paidId, customer.accessToken, ['Paid']);

      const notHeld = await review(paidId, { decision: 'approve' });
      expect(notHeld.status).toBe(409);
      expect(notHeld.headers.get('content-type')).toMatch(/^application\/problem\+json/);

      const { orderId: heldId, customer: owner } = await heldOrder();
      expect((await review(heldId, { decision: 'approve' }, owner.accessToken)).status).toBe(403);
      expect((await review(heldId, { decision: 'reject' }, customer.accessToken)).status).toBe(403);

      for (const body of [{ decision: 'maybe' }, {}, { decision: 'approve', note: 'x'.repeat(501) }]) {
        const bad = await review(heldId, body);
        expect(bad.status).toBe(400);
        expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        const paths = ((await json(bad)).errors as Array<{ path: string }>).map((error) => error.path);
        expect(paths).toContain('note' in body ? 'body.note' : 'body.decision');
      }

      const unknown = await review(randomUUID(), { decision: 'approve' });
      expect(unknown.status).toBe(404);

      // None of the refusals touched the held order.
      expect((await json(await get(`/api/orders/${heldId}`, owner.accessToken))).status).toBe('OnHold');
    },
    reviewTestMs,
  );
});
