import { randomUUID } from 'node:crypto';
import { defaultReviewThresholds, topics } from '@shop/contracts';
import { json } from '@shop/testkit/src/listen';
import { newCustomer } from '../e2e/support/accounts';
import { eventually } from '../e2e/support/eventually';
import { get, levelsOf, orderReaching, productWithStock } from '../e2e/support/shop';
import {
  asAdmin,
  type HeldOrdersPlatform,
  heldUnitPrice,
  paymentOf,
  placeOne,
  review,
  startHeldOrdersPlatform,
} from './support/held-orders';

/**
 * The held state across the whole saga, on the embedded platform with every event delivered twice to every
 * consumer. There is no fraud service here: every placement is scored by orders' fallback (the contract's rules
 * on its own table), which is what holds these orders; with the fraud service the same rules hold them (its score
 * is clamped into the rules' bounds).
 */
let shop: HeldOrdersPlatform;

beforeAll(async () => {
  shop = await startHeldOrdersPlatform();
}, 60_000);
afterAll(() => shop?.stop());

const expectOnce = (orderId: string, topicNames: string[]) => {
  for (const topic of topicNames) expect([topic, shop.eventsAbout(orderId, topic).length]).toEqual([topic, 1]);
};

async function heldOrder(stock = 3) {
  const productId = await productWithStock(stock, heldUnitPrice);
  const customer = await newCustomer();
  const orderId = await placeOne(customer.accessToken, productId);
  await orderReaching(orderId, customer.accessToken, ['OnHold']);
  // The stock is reserved and the card authorized, nothing captured, while the order waits for its review.
  await eventually(async () => {
    expect(await levelsOf(productId)).toEqual({ productId, onHand: stock, reserved: 1, available: stock - 1 });
    expect((await paymentOf(orderId))?.status).toBe('authorized');
  });
  return { productId, customer, orderId, stock };
}

describe('an order held for review, across the saga', () => {
  it('is held by the contract rules with the scorer down: admins see why, its owner sees only OnHold', async () => {
    const { customer, orderId } = await heldOrder();
    expect(await asAdmin(orderId)).toEqual(
      expect.objectContaining({
        status: 'OnHold',
        riskScore: 70,
        riskReasons: ['total-above-review-limit', 'scorer-unavailable'],
      }),
    );
    const own = await json(await get(`/api/orders/${orderId}`, customer.accessToken));
    expect(own.status).toBe('OnHold');
    expect(own).not.toHaveProperty('riskScore');
    expect(own).not.toHaveProperty('riskReasons');
    expectOnce(orderId, [topics.orderPlaced, topics.orderHeld, topics.stockReserved]);
    expect(shop.eventsAbout(orderId, topics.paymentSucceeded)).toEqual([]);
  });

  it('approved: Pending again, the authorization captured once, Paid, the stock committed', async () => {
    const { productId, customer, orderId, stock } = await heldOrder();
    const res = await review(orderId, { decision: 'approve', note: 'called the customer' });
    expect(res.status).toBe(200);
    expect((await json(res)).review).toEqual(
      expect.objectContaining({ decision: 'approve', note: 'called the customer' }),
    );
    await orderReaching(orderId, customer.accessToken, ['Paid']);
    await eventually(async () => {
      expect(await paymentOf(orderId)).toEqual(expect.objectContaining({ status: 'captured' }));
      expect(await levelsOf(productId)).toEqual({ productId, onHand: stock - 1, reserved: 0, available: stock - 1 });
      expectOnce(orderId, [topics.orderApproved, topics.paymentSucceeded, topics.orderPaid, topics.stockCommitted]);
    });
  });

  it('rejected: Failed with FraudSuspected, the stock released, the authorization voided', async () => {
    const { productId, customer, orderId, stock } = await heldOrder();
    const res = await review(orderId, { decision: 'reject', note: 'card testing' });
    expect(res.status).toBe(200);
    const order = await orderReaching(orderId, customer.accessToken, ['Failed']);
    expect(order.failureReason).toBe('FraudSuspected');
    await eventually(async () => {
      expect(await levelsOf(productId)).toEqual({ productId, onHand: stock, reserved: 0, available: stock });
      expect((await paymentOf(orderId))?.status).toBe('voided');
      expectOnce(orderId, [topics.orderFailed, topics.stockReleased]);
    });
    expect(shop.eventsAbout(orderId, topics.paymentSucceeded)).toEqual([]);
    expect(shop.eventsAbout(orderId, topics.orderApproved)).toEqual([]);
  });

  it('cancelled by its owner while held: the stock released, the authorization voided', async () => {
    const { productId, customer, orderId, stock } = await heldOrder();
    const cancel = await fetch(`${shop.platform.url}/api/orders/${orderId}/cancel`, {
      method: 'POST',
      headers: { authorization: `Bearer ${customer.accessToken}` },
    });
    expect(cancel.status).toBe(200);
    await eventually(async () => {
      expect(await levelsOf(productId)).toEqual({ productId, onHand: stock, reserved: 0, available: stock });
      expect((await paymentOf(orderId))?.status).toBe('voided');
    });
    expect((await review(orderId, { decision: 'approve' })).status).toBe(409);
  });

  it('redelivered order-held and order-approved events (the same ones, and new ids) change nothing twice', async () => {
    const { productId, customer, orderId, stock } = await heldOrder();
    const [held] = shop.eventsAbout(orderId, topics.orderHeld);
    if (!held) throw new Error('no order-held event');
    await shop.republish(topics.orderHeld, held);
    await shop.republish(topics.orderHeld, { ...held, id: randomUUID() });
    expect((await asAdmin(orderId)).status).toBe('OnHold');
    expect((await paymentOf(orderId))?.status).toBe('authorized');

    expect((await review(orderId, { decision: 'approve' })).status).toBe(200);
    await orderReaching(orderId, customer.accessToken, ['Paid']);
    const [approved] = shop.eventsAbout(orderId, topics.orderApproved);
    if (!approved) throw new Error('no order-approved event');
    await shop.republish(topics.orderApproved, approved);
    await shop.republish(topics.orderApproved, { ...approved, id: randomUUID() });
    await shop.republish(topics.orderHeld, { ...held, id: randomUUID() });
    await eventually(async () => {
      expect(await paymentOf(orderId)).toEqual(expect.objectContaining({ status: 'captured' }));
      expect(shop.eventsAbout(orderId, topics.paymentSucceeded)).toHaveLength(1);
      expect(shop.eventsAbout(orderId, topics.orderPaid)).toHaveLength(1);
      expect(await levelsOf(productId)).toEqual({ productId, onHand: stock - 1, reserved: 0, available: stock - 1 });
    });
    expect((await asAdmin(orderId)).status).toBe('Paid');
  });

  it("holds a customer's sixth order within ten minutes, and only that one", async () => {
    const productId = await productWithStock(10, 1250);
    const customer = await newCustomer();
    const ids: string[] = [];
    for (let i = 0; i <= defaultReviewThresholds.velocityLimit; i++)
      ids.push(await placeOne(customer.accessToken, productId));
    const sixth = ids.pop() as string;
    await orderReaching(sixth, customer.accessToken, ['OnHold']);
    expect((await asAdmin(sixth)).riskReasons).toEqual(expect.arrayContaining(['customer-velocity']));
    for (const id of ids) await orderReaching(id, customer.accessToken, ['Paid']);
  });

  it('answers 409 to a review of an order that is not OnHold, 404 to an unknown one', async () => {
    const productId = await productWithStock(2, 1250);
    const customer = await newCustomer();
    const orderId = await placeOne(customer.accessToken, productId);
    await orderReaching(orderId, customer.accessToken, ['Paid']);
    const res = await review(orderId, { decision: 'reject' });
    expect(res.status).toBe(409);
    expect(await json(res)).toEqual(expect.objectContaining({ orderStatus: 'Paid' }));
    expect((await review(randomUUID(), { decision: 'approve' })).status).toBe(404);
    expect((await asAdmin(orderId)).status).toBe('Paid');
  });
});
