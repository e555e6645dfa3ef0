import { productWithStock } from './support/shop';
import { customersFor, expectSoldOutExactly, placeAtOnce, settled, watchLevels } from './support/stampede';

describe('a stampede on one product (no oversell across the whole saga)', () => {
  it('500 concurrent orders for 100 units: exactly 100 Paid, stock never below 0, one payment per Paid order', async () => {
    const productId = await productWithStock(100);
    // 100 buyers of five orders each: a sixth order of one customer within ten minutes would be held for review.
    const buyers = await customersFor(500);
    const levels = watchLevels(productId);
    const orderIds = await placeAtOnce(productId, buyers, 500);
    const orders = await settled(orderIds, buyers, 120_000);
    const seen = await levels.stop();

    expect(seen.samples).toBeGreaterThan(0);
    expect(seen.minAvailable).toBeGreaterThanOrEqual(0);
    expect(seen.minReserved).toBeGreaterThanOrEqual(0);
    await expectSoldOutExactly(productId, 100, orders);
  }, 240_000);
});
