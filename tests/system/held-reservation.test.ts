import { topics } from '@shop/contracts';
import { newCustomer } from '../e2e/support/accounts';
import { eventually } from '../e2e/support/eventually';
import { levelsOf, orderReaching, productWithStock } from '../e2e/support/shop';
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
 * A held order keeps its stock however long the review takes: its reservation stops expiring on
 * orders.order-held (inventory), here with reservations that expire after 2 s and a sweep every 200 ms.
 */
const ttlSeconds = 2;
let shop: HeldOrdersPlatform;

beforeAll(async () => {
  shop = await startHeldOrdersPlatform({
    RESERVATION_TTL_SECONDS: String(ttlSeconds),
    RESERVATION_SWEEP_INTERVAL_MS: '200',
  });
}, 60_000);
afterAll(() => shop?.stop());

describe('the reservation of a held order', () => {
  it('is kept past its TTL while the order is held, and committed once the order is approved and paid', async () => {
    const stock = 2;
    const productId = await productWithStock(stock, heldUnitPrice);
    const customer = await newCustomer();
    const orderId = await placeOne(customer.accessToken, productId);
    await orderReaching(orderId, customer.accessToken, ['OnHold']);
    await eventually(async () => expect((await paymentOf(orderId))?.status).toBe('authorized'));

    // Three TTLs and many sweeps later: still held, still reserved, nothing released.
    await new Promise((resolve) => setTimeout(resolve, 3 * ttlSeconds * 1_000));
    expect((await asAdmin(orderId)).status).toBe('OnHold');
    expect(await levelsOf(productId)).toEqual({ productId, onHand: stock, reserved: 1, available: stock - 1 });
    expect(shop.eventsAbout(orderId, topics.stockReleased)).toEqual([]);

    expect((await review(orderId, { decision: 'approve' })).status).toBe(200);
    await orderReaching(orderId, customer.accessToken, ['Paid']);
    await eventually(async () =>
      expect(await levelsOf(productId)).toEqual({ productId, onHand: stock - 1, reserved: 0, available: stock - 1 }),
    );
  }, 60_000);
});
