import { randomUUID } from 'node:crypto';
import type { EventEnvelope, StockChanged } from '@shop/contracts';
import { InboxEvent } from '@shop/kit';
import { eventually } from '@shop/testkit/src/eventually';
import { type CatalogHarness, startCatalog } from './support/catalog-harness';

let h: CatalogHarness;
let product: { id: string };
beforeEach(async () => {
  h = await startCatalog();
  const { id: categoryId } = await h.given.category('Kitchen');
  product = await h.given.product({ categoryId, initialStock: 10 });
});
afterEach(() => h.stop());

const stock = async () => (await h.expectStatus(await h.request('GET', `/api/products/${product.id}`), 200)).stock;

describe('the stock projection', () => {
  it('shows the available quantity inventory reports', async () => {
    expect(await stock()).toBe(10);
    expect(await h.stockChanged(product.id, 8, 1)).toBe('success');
    expect(await stock()).toBe(8);
  });

  it('ignores an event older than the one applied', async () => {
    await h.stockChanged(product.id, 3, 5);
    await h.stockChanged(product.id, 9, 4);
    expect(await stock()).toBe(3);
  });

  it('ignores a second event with the version already applied', async () => {
    await h.stockChanged(product.id, 3, 5);
    await h.stockChanged(product.id, 4, 5);
    expect(await stock()).toBe(3);
  });

  it('applies a redelivered event once (the inbox records its id)', async () => {
    const eventId = randomUUID();
    await h.stockChanged(product.id, 6, 1, eventId);
    await h.stockChanged(product.id, 7, 2);
    // The same id again, even carrying a newer version, is a duplicate and changes nothing.
    await h.stockChanged(product.id, 1, 3, eventId);
    expect(await stock()).toBe(7);
    expect(await h.dataSource.manager.countBy(InboxEvent, { eventId })).toBe(1);
  });

  it('ends at the newest version whatever the order events arrive in', async () => {
    const versions = Array.from({ length: 30 }, (_, i) => i + 1).sort(() => Math.random() - 0.5);
    await Promise.all(versions.map((version) => h.stockChanged(product.id, version * 10, version)));
    expect(await stock()).toBe(300);
  });

  it('never shows negative stock: an event claiming it breaks the contract and is dropped', async () => {
    expect(await h.stockChanged(product.id, -2, 1)).toBe('drop');
    expect(await stock()).toBe(10);
  });

  it('accepts and ignores stock of a product it does not know', async () => {
    expect(await h.stockChanged(randomUUID(), 5, 1)).toBe('success');
  });

  it('drops a malformed event (to the dead-letter topic) rather than retrying it forever', async () => {
    const subscription = h.catalog.subscriptions?.find((s) => s.topic === 'inventory.stock-changed');
    const event = { id: randomUUID(), type: 'inventory.stock-changed', occurredAt: new Date().toISOString() };
    expect(await subscription?.handle({ ...event, data: { productId: product.id, available: 'lots' } })).toBe('drop');
    expect(await stock()).toBe(10);
  });

  it('consumes inventory.stock-changed from the bus', async () => {
    const event: EventEnvelope<StockChanged> = {
      id: randomUUID(),
      type: 'inventory.stock-changed',
      occurredAt: new Date().toISOString(),
      data: {
        productId: product.id,
        onHand: 12,
        reserved: 2,
        available: 10 - 6,
        version: 1,
        at: new Date().toISOString(),
      },
    };
    await h.bus.meshFor('inventory').publish('inventory.stock-changed', event);
    await eventually(async () => expect(await stock()).toBe(4));
  });
});
