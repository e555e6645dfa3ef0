import { newCustomer } from '../e2e/support/accounts';
import { eventually } from '../e2e/support/eventually';
import { levelsOf, orderReaching, productWithStock } from '../e2e/support/shop';
import { type DaprPlatform, startDaprPlatform } from './support/dapr-platform';
import { asAdmin, heldUnitPrice, paymentOf, placeOne, review } from './support/held-orders';

/**
 * The held state in the Dapr topology: every service its own process beside its own daprd, on Redis Streams and
 * PostgreSQL, with the platform's pub/sub scopes and access control. No fraud app runs: orders' invocation of it
 * fails in daprd within the scorer's budget, and the contract rules hold the order.
 */
let platform: DaprPlatform;

beforeAll(async () => {
  // Only what the saga needs: no fraud app (the point), and none of the services that merely follow orders.
  platform = await startDaprPlatform(
    {},
    { without: ['fraud', 'recommendations', 'analytics', 'notifications', 'cart', 'hub'] },
  );
}, 240_000);
afterAll(() => platform?.stop(), 60_000);

async function heldOrder() {
  const stock = 2;
  const productId = await productWithStock(stock, heldUnitPrice);
  const customer = await newCustomer();
  const started = Date.now();
  const orderId = await placeOne(customer.accessToken, productId);
  const placementMs = Date.now() - started;
  await orderReaching(orderId, customer.accessToken, ['OnHold']);
  await eventually(async () => {
    expect(await levelsOf(productId)).toEqual({ productId, onHand: stock, reserved: 1, available: stock - 1 });
    expect((await paymentOf(orderId))?.status).toBe('authorized');
  }, 30_000);
  return { productId, customer, orderId, stock, placementMs };
}

describe('an order held for review in the Dapr topology', () => {
  it('is held with the scorer unreachable, then approved: captured, Paid, the stock committed', async () => {
    const { productId, customer, orderId, stock, placementMs } = await heldOrder();
    expect(await asAdmin(orderId)).toEqual(
      expect.objectContaining({ riskScore: 70, riskReasons: ['total-above-review-limit', 'scorer-unavailable'] }),
    );
    // The scorer's budget (300 ms) bounds what its absence costs a placement, on a loaded machine too.
    expect(placementMs).toBeLessThan(5_000);
    expect((await review(orderId, { decision: 'approve' })).status).toBe(200);
    await orderReaching(orderId, customer.accessToken, ['Paid']);
    await eventually(async () => {
      expect((await paymentOf(orderId))?.status).toBe('captured');
      expect(await levelsOf(productId)).toEqual({ productId, onHand: stock - 1, reserved: 0, available: stock - 1 });
    }, 30_000);
  }, 120_000);

  it('rejected: Failed with FraudSuspected, the stock released, the authorization voided', async () => {
    const { productId, customer, orderId, stock } = await heldOrder();
    expect((await review(orderId, { decision: 'reject' })).status).toBe(200);
    expect((await orderReaching(orderId, customer.accessToken, ['Failed'])).failureReason).toBe('FraudSuspected');
    await eventually(async () => {
      expect((await paymentOf(orderId))?.status).toBe('voided');
      expect(await levelsOf(productId)).toEqual({ productId, onHand: stock, reserved: 0, available: stock });
    }, 30_000);
  }, 120_000);
});
