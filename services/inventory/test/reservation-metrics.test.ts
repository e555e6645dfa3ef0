import { randomUUID } from 'node:crypto';
import { type OrderPlaced, topics } from '@shop/contracts';
import { eventually, type RunningInventory, startInventory } from './support/embedded-inventory';

let inventory: RunningInventory;
beforeAll(async () => {
  // Reservations expire a second after they are made, and the sweep looks every 50 ms.
  inventory = await startInventory({ RESERVATION_TTL_SECONDS: '1' });
});
afterAll(() => inventory.stop());

/** One series' value on the platform's /metrics, 0 when it has none yet. */
async function metric(series: string): Promise<number> {
  const text = await (await inventory.request('GET', '/metrics')).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

const reservations = (outcome: string) => metric(`inventory_reservations_total{outcome="${outcome}"}`);

const placed = (productId: string, quantity: number): OrderPlaced => ({
  orderId: randomUUID(),
  customerId: randomUUID(),
  items: [{ productId, quantity, unitPrice: { amount: 500, currency: 'EUR' } }],
  total: { amount: 500 * quantity, currency: 'EUR' },
  paymentMethodId: randomUUID(),
  placedAt: new Date().toISOString(),
});

describe('inventory_reservations_total', () => {
  it('counts a reservation made once however often its order comes, one refused, and one that expired', async () => {
    const before = { made: await reservations('made'), failed: await reservations('failed') };
    const expiredBefore = await reservations('expired');
    const product = await inventory.productWithStock(2);

    // More than there ever is: refused.
    await inventory.publish('orders', topics.orderPlaced, placed(product, 3));
    await eventually(async () => expect(await reservations('failed')).toBe(before.failed + 1));

    const served = await inventory.publish('orders', topics.orderPlaced, placed(product, 2));
    await inventory.publish('orders', topics.orderPlaced, served.data, served.id);
    await eventually(async () => expect(await reservations('made')).toBe(before.made + 1));

    // Nobody pays: the first reservation's second passes and the sweep expires it.
    await eventually(async () => expect(await reservations('expired')).toBe(expiredBefore + 1), 10_000);
    expect(await reservations('made')).toBe(before.made + 1);
  });
});
