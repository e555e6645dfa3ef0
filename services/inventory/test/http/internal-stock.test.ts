import { randomUUID } from 'node:crypto';
import { eventually, type RunningInventory, startInventory } from '../support/embedded-inventory';

let inventory: RunningInventory;
beforeAll(async () => {
  inventory = await startInventory();
});
afterAll(() => inventory.stop());

const read = (productId: string) =>
  inventory.platform.bus.meshFor('hub').invoke('inventory', `/internal/stock/${productId}`, { method: 'GET' });

describe('GET /internal/stock/:productId (service invocation)', () => {
  it('answers the levels with the version of the last stock-changed event and its time', async () => {
    const product = await inventory.productWithStock(9);
    const adjusted = await inventory.request('POST', `/api/inventory/${product}/adjustments`, {
      token: inventory.tokens.admin,
      body: { delta: -2, reason: 'damaged' },
    });
    expect(adjusted.status).toBe(200);
    // The outbox relay publishes after the commit.
    const published = await eventually(async () => {
      const events = inventory
        .events<{ productId: string; version: number; onHand: number }>('inventory.stock-changed')
        .filter((event) => event.productId === product && event.onHand === 7);
      expect(events).toHaveLength(1);
      return events[0];
    });
    const answer = await read(product);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      productId: product,
      onHand: 7,
      reserved: 0,
      available: 7,
      version: published?.version,
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('moves the version on with every change', async () => {
    const product = await inventory.productWithStock(4);
    const before = (await read(product)).body as { version: number };
    await inventory.request('POST', `/api/inventory/${product}/adjustments`, {
      token: inventory.tokens.admin,
      body: { delta: 3, reason: 'found' },
    });
    const after = (await read(product)).body as { version: number; onHand: number };
    expect(after.onHand).toBe(7);
    expect(after.version).toBe(before.version + 1);
  });

  it('answers 404 for a product without a stock item and 400 naming the field for a malformed id', async () => {
    expect((await read(randomUUID())).status).toBe(404);
    const malformed = await read('not-a-uuid');
    expect(malformed.status).toBe(400);
    expect((malformed.body as { errors: Array<{ path: string }> }).errors).toEqual([
      expect.objectContaining({ path: 'params.productId' }),
    ]);
  });

  it('is not served on the public origin', async () => {
    const product = await inventory.productWithStock(1);
    expect((await inventory.request('GET', `/internal/stock/${product}`)).status).toBe(404);
  });

  it('leaves the public read exactly as the contract words it', async () => {
    const product = await inventory.productWithStock(5);
    const res = await inventory.request('GET', `/api/inventory/${product}`);
    expect(await res.json()).toEqual({ productId: product, onHand: 5, reserved: 0, available: 5 });
  });
});
