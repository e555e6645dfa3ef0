import { randomUUID } from 'node:crypto';
import {
  type EventEnvelope,
  type OrderPlaced,
  type OrderStatusEvent,
  type StockReleased,
  topics,
} from '@shop/contracts';
import { deadLetterTopicFor } from '@shop/kit';
import { eventually, type RunningInventory, startInventory } from '../support/embedded-inventory';

// Reservations live one second and the sweeper runs every 50 ms: a hold that did not stop the expiry shows at once.
const ttlSeconds = 1;
let inventory: RunningInventory;
const deadLetters: EventEnvelope[] = [];

beforeAll(async () => {
  inventory = await startInventory({ RESERVATION_TTL_SECONDS: String(ttlSeconds) });
  inventory.platform.bus.register('dead-letter-observer', {
    subscriptions: [
      {
        topic: deadLetterTopicFor('inventory'),
        async handle(event) {
          deadLetters.push(event);
          return 'success' as const;
        },
      },
    ],
  });
});
afterAll(() => inventory.stop());

const placed = (orderId: string, productId: string, quantity: number): OrderPlaced => ({
  orderId,
  customerId: randomUUID(),
  items: [{ productId, quantity, unitPrice: { amount: 700_000, currency: 'EUR' } }],
  total: { amount: 700_000 * quantity, currency: 'EUR' },
  paymentMethodId: randomUUID(),
  placedAt: new Date().toISOString(),
});

const status = (orderId: string, value: OrderStatusEvent['status']): OrderStatusEvent => ({
  orderId,
  customerId: randomUUID(),
  status: value,
  at: new Date().toISOString(),
});

const releasesOf = (orderId: string) =>
  inventory.events<StockReleased>(topics.stockReleased).filter((released) => released.orderId === orderId);

/** Past the TTL and a few sweeps. */
const pastTheTtl = () => new Promise((resolve) => setTimeout(resolve, ttlSeconds * 1000 + 500));

describe('orders.order-held in the inventory', () => {
  it("keeps a held order's stock past its TTL while an order not held loses its stock", async () => {
    const product = await inventory.productWithStock(10);
    const [held, plain] = [randomUUID(), randomUUID()];
    await inventory.publish('orders', topics.orderPlaced, placed(held, product, 3));
    await inventory.publish('orders', topics.orderHeld, status(held, 'OnHold'));
    await inventory.publish('orders', topics.orderPlaced, placed(plain, product, 2));

    await eventually(() => expect(releasesOf(plain)).toEqual([expect.objectContaining({ reason: 'expired' })]));
    await pastTheTtl();

    expect(releasesOf(held)).toEqual([]);
    expect(await inventory.levels(product)).toEqual({ productId: product, onHand: 10, reserved: 3, available: 7 });
  });

  it('retries a hold that arrives before its placement, then keeps the reservation once it exists', async () => {
    const product = await inventory.productWithStock(5);
    const orderId = randomUUID();
    await inventory.publish('orders', topics.orderHeld, status(orderId, 'OnHold'));
    // The hold's first attempt finds no reservation (the embedded bus retries after 500 ms, then 750 ms).
    await new Promise((resolve) => setTimeout(resolve, 200));
    await inventory.publish('orders', topics.orderPlaced, placed(orderId, product, 2));

    await eventually(async () => expect((await inventory.levels(product)).reserved).toBe(2));
    await pastTheTtl();

    expect(releasesOf(orderId)).toEqual([]);
    expect((await inventory.levels(product)).reserved).toBe(2);
    expect(deadLetters.filter((event) => (event.data as { orderId?: string }).orderId === orderId)).toEqual([]);
  });

  it('changes nothing on a redelivered or repeated hold, and ends with the order: rejected releases once', async () => {
    const product = await inventory.productWithStock(6);
    const orderId = randomUUID();
    await inventory.publish('orders', topics.orderPlaced, placed(orderId, product, 4));
    await eventually(async () => expect((await inventory.levels(product)).reserved).toBe(4));
    const hold = await inventory.publish('orders', topics.orderHeld, status(orderId, 'OnHold'));
    await inventory.publish('orders', topics.orderHeld, hold.data, hold.id);
    await inventory.publish('orders', topics.orderHeld, status(orderId, 'OnHold'));
    await pastTheTtl();
    expect((await inventory.levels(product)).reserved).toBe(4);

    const rejected = { ...status(orderId, 'Failed'), failureReason: 'FraudSuspected' as const };
    const failed = await inventory.publish('orders', topics.orderFailed, rejected);
    await inventory.publish('orders', topics.orderFailed, failed.data, failed.id);
    await eventually(() => expect(releasesOf(orderId)).toEqual([expect.objectContaining({ reason: 'order-failed' })]));
    // A hold delivered late, after the order ended, keeps nothing.
    await inventory.publish('orders', topics.orderHeld, status(orderId, 'OnHold'));
    await pastTheTtl();

    expect(releasesOf(orderId)).toHaveLength(1);
    expect(await inventory.levels(product)).toEqual({ productId: product, onHand: 6, reserved: 0, available: 6 });
  });

  it('commits a held order that was approved and paid, past its TTL', async () => {
    const product = await inventory.productWithStock(3);
    const orderId = randomUUID();
    await inventory.publish('orders', topics.orderPlaced, placed(orderId, product, 1));
    await inventory.publish('orders', topics.orderHeld, status(orderId, 'OnHold'));
    await pastTheTtl();
    await inventory.publish('orders', topics.orderPaid, status(orderId, 'Paid'));

    await eventually(() =>
      expect(inventory.events(topics.stockCommitted)).toContainEqual(expect.objectContaining({ orderId })),
    );
    expect(releasesOf(orderId)).toEqual([]);
    expect(await inventory.levels(product)).toEqual({ productId: product, onHand: 2, reserved: 0, available: 2 });
  });
});
