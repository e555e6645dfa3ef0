import { randomUUID } from 'node:crypto';
import {
  type OrderPlaced,
  type OrderStatusEvent,
  type ProductCreated,
  type ProductDeleted,
  type StockChanged,
  type StockReservationFailed,
  type StockReserved,
  topics,
} from '@shop/contracts';
import { maxOnHand } from '../../src/domain/stock-levels';
import { eventually, type RunningInventory, startInventory } from '../support/embedded-inventory';
import { productCreated } from '../support/inventory-db';

let inventory: RunningInventory;
beforeAll(async () => {
  inventory = await startInventory({ LOW_STOCK_THRESHOLD: '2' });
});
afterAll(() => inventory.stop());

const placed = (orderId: string, items: { productId: string; quantity: number }[]): OrderPlaced => ({
  orderId,
  customerId: randomUUID(),
  items: items.map((item) => ({ ...item, unitPrice: { amount: 500, currency: 'EUR' } })),
  total: { amount: 500, currency: 'EUR' },
  paymentMethodId: randomUUID(),
  placedAt: new Date().toISOString(),
});

const status = (orderId: string, value: OrderStatusEvent['status']): OrderStatusEvent => ({
  orderId,
  customerId: randomUUID(),
  status: value,
  at: new Date().toISOString(),
});

const changesOf = (productId: string) =>
  inventory.events<StockChanged>(topics.stockChanged).filter((change) => change.productId === productId);

/** Lets every delivery in flight (and its retries) settle, then lets the relay publish what they wrote. */
async function settle() {
  await inventory.platform.bus.drain();
  await new Promise((resolve) => setTimeout(resolve, 100));
  await inventory.platform.bus.drain();
}

describe('the inventory in the order saga', () => {
  it('opens a stock item once per product, announcing its first levels, however often it is announced', async () => {
    const productId = randomUUID();
    const created = (initialStock: number): ProductCreated => ({
      productId,
      sku: `SKU-${productId.slice(0, 8)}`,
      name: 'Teapot',
      price: { amount: 1999, currency: 'EUR' },
      categoryId: randomUUID(),
      status: 'active',
      initialStock,
      createdAt: new Date().toISOString(),
    });
    const first = await inventory.publish('catalog', topics.productCreated, created(7));
    await inventory.publish('catalog', topics.productCreated, first.data, first.id);
    await inventory.publish('catalog', topics.productCreated, created(99));
    await settle();

    expect(await inventory.levels(productId)).toEqual({ productId, onHand: 7, reserved: 0, available: 7 });
    expect(changesOf(productId)).toEqual([expect.objectContaining({ onHand: 7, available: 7, version: 1 })]);
  });

  it('keeps an initial stock beyond the most it can count at that most', async () => {
    const productId = randomUUID();
    await inventory.publish('catalog', topics.productCreated, productCreated(2_000_000_000, productId));
    await eventually(async () => expect((await inventory.levels(productId)).onHand).toBe(maxOnHand));
  });

  it('reserves a placed order and says so; pays it and commits; all once however often each event arrives', async () => {
    const product = await inventory.productWithStock(10);
    const orderId = randomUUID();
    const placedEvent = await inventory.publish(
      'orders',
      topics.orderPlaced,
      placed(orderId, [{ productId: product, quantity: 3 }]),
    );
    await inventory.publish('orders', topics.orderPlaced, placedEvent.data, placedEvent.id);

    await eventually(() =>
      expect(inventory.events<StockReserved>(topics.stockReserved)).toContainEqual(
        expect.objectContaining({ orderId, lines: [{ productId: product, quantity: 3 }] }),
      ),
    );
    const paid = await inventory.publish('orders', topics.orderPaid, status(orderId, 'Paid'));
    await inventory.publish('orders', topics.orderPaid, paid.data, paid.id);
    await eventually(() =>
      expect(inventory.events(topics.stockCommitted)).toContainEqual(expect.objectContaining({ orderId })),
    );
    await settle();

    expect(await inventory.levels(product)).toEqual({ productId: product, onHand: 7, reserved: 0, available: 7 });
    expect(inventory.events<StockReserved>(topics.stockReserved).filter((e) => e.orderId === orderId)).toHaveLength(1);
    expect(
      inventory.events<{ orderId: string }>(topics.stockCommitted).filter((e) => e.orderId === orderId),
    ).toHaveLength(1);
    expect(changesOf(product).map((change) => change.version)).toEqual([1, 2, 3]);
  });

  it('answers a placed order it cannot serve with stock-reservation-failed and holds nothing', async () => {
    const scarce = await inventory.productWithStock(1);
    const plenty = await inventory.productWithStock(9);
    const orderId = randomUUID();
    await inventory.publish(
      'orders',
      topics.orderPlaced,
      placed(orderId, [
        { productId: plenty, quantity: 1 },
        { productId: scarce, quantity: 2 },
      ]),
    );
    await eventually(() =>
      expect(inventory.events<StockReservationFailed>(topics.stockReservationFailed)).toContainEqual({
        orderId,
        reason: 'insufficient-stock',
        shortages: [{ productId: scarce, requested: 2, available: 1 }],
      }),
    );
    expect((await inventory.levels(plenty)).reserved).toBe(0);
    expect((await inventory.levels(scarce)).reserved).toBe(0);
  });

  it('releases the stock of a failed order and of a cancelled one', async () => {
    const product = await inventory.productWithStock(10);
    const failed = randomUUID();
    const cancelled = randomUUID();
    await inventory.publish('orders', topics.orderPlaced, placed(failed, [{ productId: product, quantity: 2 }]));
    await inventory.publish('orders', topics.orderPlaced, placed(cancelled, [{ productId: product, quantity: 3 }]));
    await eventually(async () => expect((await inventory.levels(product)).reserved).toBe(5));

    await inventory.publish('orders', topics.orderFailed, {
      ...status(failed, 'Failed'),
      failureReason: 'PaymentDeclined',
    });
    await inventory.publish('orders', topics.orderCancelled, status(cancelled, 'Cancelled'));

    await eventually(async () =>
      expect(await inventory.levels(product)).toEqual({ productId: product, onHand: 10, reserved: 0, available: 10 }),
    );
    await eventually(() =>
      expect(inventory.events(topics.stockReleased)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ orderId: failed, reason: 'order-failed' }),
          expect.objectContaining({ orderId: cancelled, reason: 'order-cancelled' }),
        ]),
      ),
    );
  });

  it('warns when a reservation takes available through the low-stock threshold', async () => {
    const product = await inventory.productWithStock(4);
    await inventory.publish('orders', topics.orderPlaced, placed(randomUUID(), [{ productId: product, quantity: 2 }]));
    await eventually(() =>
      expect(inventory.events(topics.lowStock)).toContainEqual(
        expect.objectContaining({ productId: product, available: 2, threshold: 2 }),
      ),
    );
  });

  it('reserves nothing new for a product deleted in the catalog', async () => {
    const product = await inventory.productWithStock(5);
    await inventory.publish<ProductDeleted>('catalog', topics.productDeleted, {
      productId: product,
      deletedAt: new Date().toISOString(),
    });
    await settle();
    const orderId = randomUUID();
    await inventory.publish('orders', topics.orderPlaced, placed(orderId, [{ productId: product, quantity: 1 }]));
    await eventually(() =>
      expect(inventory.events<StockReservationFailed>(topics.stockReservationFailed)).toContainEqual(
        expect.objectContaining({ orderId }),
      ),
    );
  });

  it('drops a malformed event instead of retrying it forever', async () => {
    const product = await inventory.productWithStock(5);
    await inventory.publish('orders', topics.orderPlaced, {
      orderId: randomUUID(),
      items: [{ productId: product, quantity: -1 }],
    });
    await settle();
    expect((await inventory.levels(product)).reserved).toBe(0);
  });
});
