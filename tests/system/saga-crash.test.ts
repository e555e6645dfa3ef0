import type { TestCustomer } from '../e2e/support/accounts';
import { eventually } from '../e2e/support/eventually';
import { productWithStock } from '../e2e/support/shop';
import {
  customersFor,
  expectSoldOutExactly,
  ordersOf,
  placeAtOnce,
  settled,
  watchLevels,
} from '../e2e/support/stampede';
import { type DaprPlatform, startDaprPlatform } from './support/dapr-platform';

let platform: DaprPlatform;

beforeAll(async () => {
  platform = await startDaprPlatform();
}, 240_000);
afterAll(() => platform?.stop(), 60_000);

const rounds = 3;
const wavesPerRound = 3;
const perWave = 15;

/**
 * Places orders in waves while the saga runs, ignoring placements refused while a service is down. Each order goes
 * to the next buyer after the last one's (round-robin across waves): five orders each at most, as a sixth within ten
 * minutes would be held for review.
 */
async function placeInWaves(productId: string, buyers: TestCustomer[], placed: { count: number }) {
  const placing: Array<Promise<unknown>> = [];
  for (let wave = 0; wave < wavesPerRound; wave++) {
    const startAt = placed.count;
    placed.count += perWave;
    placing.push(placeAtOnce(productId, buyers, perWave, { retryBusy: false, startAt }).catch(() => undefined));
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  await Promise.all(placing);
}

describe.each(['inventory', 'orders'])('the %s process killed mid-saga and started again', (victim) => {
  it('leaves every order Paid or Failed, the stock sold exactly once and a payment only for Paid orders', async () => {
    const stock = 30;
    const productId = await productWithStock(stock);
    const buyers = await customersFor(rounds * wavesPerRound * perWave);
    const placed = { count: 0 };
    const levels = watchLevels(productId);
    try {
      const first = placeInWaves(productId, buyers, placed);
      // Killed once orders are flowing (not after a fixed delay, which a loaded machine may not have used to accept
      // any): the sagas of the accepted ones are then under way in the victim.
      await eventually(async () => expect((await ordersOf(buyers)).length).toBeGreaterThanOrEqual(5), 30_000);
      await platform.topology.member(victim).kill();
      await first;
      const second = placeInWaves(productId, buyers, placed);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await platform.topology.member(victim).restart();
      await second;
      await placeInWaves(productId, buyers, placed);

      // Every order the platform accepted, including any whose answer was lost in the crash.
      const accepted = (await ordersOf(buyers)).map((order) => order.id);
      expect(accepted.length).toBeGreaterThan(stock);
      const orders = await settled(accepted, buyers, 120_000);
      await expectSoldOutExactly(productId, stock, orders);
    } finally {
      const seen = await levels.stop();
      expect(seen.minAvailable).toBeGreaterThanOrEqual(0);
    }
  }, 300_000);
});
