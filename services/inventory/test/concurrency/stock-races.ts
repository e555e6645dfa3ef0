import { randomUUID } from 'node:crypto';
import { type EventEnvelope, type OrderPlaced, type StockChanged, topics } from '@shop/contracts';
import { createLogger, inboxIntake } from '@shop/kit';
import type { DataSource } from 'typeorm';
import { inventorySubscriptions } from '../../src/subscriptions/inventory-subscriptions';
import { type InventoryWorld, inventoryDeps, inventoryWorld, line, manualClock, times } from '../support/inventory-db';

/** Two handles on one fresh inventory database: on a server, two connection pools, as two replicas have. */
export interface RaceDatabase {
  primary: DataSource;
  replica: DataSource;
}

const quietLog = createLogger({ name: 'inventory-races', level: 'fatal' });

/**
 * The inventory's guarantees under real concurrency, run against each database: the counters are changed
 * only by conditional UPDATEs, so whatever interleaving the database picks, stock is never oversold and
 * `available` never goes below zero; reservations, expiries and events each take effect once.
 */
export function describeStockRaces(label: string, openDatabase: () => Promise<RaceDatabase>): void {
  describe(`stock races on ${label}`, () => {
    let db: RaceDatabase;
    let world: InventoryWorld;
    let clock: ReturnType<typeof manualClock>;
    beforeEach(async () => {
      db = await openDatabase();
      clock = manualClock();
      world = inventoryWorld(db.primary, inventoryDeps({ clock: clock.now }));
    });
    afterEach(async () => {
      for (const source of new Set([db.primary, db.replica])) if (source.isInitialized) await source.destroy();
    });

    it('sells exactly the stock when 200 buyers race for 50 units', async () => {
      const product = await world.productWithStock(50);
      const watch = watchLevels(world, product);

      const results = await Promise.all(times(200, (i) => world.reserve(`order-${i}`, [line(product)])));
      await watch.stop();

      expect(results.filter((result) => result.ok)).toHaveLength(50);
      expect(results.filter((result) => !result.ok)).toHaveLength(150);
      expect(await world.levels(product)).toEqual({ productId: product, onHand: 50, reserved: 50, available: 0 });
      expect(watch.lowestAvailable()).toBeGreaterThanOrEqual(0);
      const changes = await world.stockChanges(product);
      expectOneChangePerVersion(changes, 51);
      expect(changes.map((change) => change.available)).toEqual(times(51, (i) => 50 - i));
    });

    it('keeps available at zero or above when adjustments race reservations', async () => {
      const product = await world.productWithStock(50);
      const watch = watchLevels(world, product);
      const operations = shuffle([
        ...times(
          150,
          (i) => () => world.reserve(`order-${i}`, [line(product)]).then((r) => ({ kind: 'reserve', ok: r.ok })),
        ),
        ...times(50, () => () => world.adjust(product, -1).then((r) => ({ kind: 'remove', ok: r.ok }))),
        ...times(50, () => () => world.adjust(product, +1).then((r) => ({ kind: 'add', ok: r.ok }))),
      ]);

      const results = await Promise.all(operations.map((operation) => operation()));
      await watch.stop();

      const succeeded = (kind: string) => results.filter((result) => result.kind === kind && result.ok).length;
      const reservedUnits = succeeded('reserve');
      const removedUnits = succeeded('remove');
      expect(succeeded('add')).toBe(50);
      expect(reservedUnits + removedUnits).toBeLessThanOrEqual(100);
      // No update was lost: every successful operation is in the levels, and each moved the version once.
      expect(await world.levels(product)).toEqual({
        productId: product,
        onHand: 100 - removedUnits,
        reserved: reservedUnits,
        available: 100 - removedUnits - reservedUnits,
      });
      expect(watch.lowestAvailable()).toBeGreaterThanOrEqual(0);
      const changes = await world.stockChanges(product);
      expectOneChangePerVersion(changes, 1 + reservedUnits + removedUnits + 50);
      expect(changes.every((change) => change.available >= 0 && change.reserved <= change.onHand)).toBe(true);
    });

    it('reserves multi-line orders all or nothing, with no deadlock whatever the line order', async () => {
      const kettle = await world.productWithStock(30);
      const mug = await world.productWithStock(30);
      const results = await Promise.all(
        times(100, (i) => world.reserve(`order-${i}`, i % 2 ? [line(kettle), line(mug)] : [line(mug), line(kettle)])),
      );
      expect(results.filter((result) => result.ok)).toHaveLength(30);
      expect(await world.levels(kettle)).toMatchObject({ reserved: 30, available: 0 });
      expect(await world.levels(mug)).toMatchObject({ reserved: 30, available: 0 });
    });

    it('reserves once when the same order is requested 20 times at once', async () => {
      const product = await world.productWithStock(10);
      const results = await Promise.all(times(20, () => world.reserve('order-twin', [line(product, 2)])));
      expect(results.every((result) => result.ok)).toBe(true);
      expect(results.filter((result) => result.ok && result.created)).toHaveLength(1);
      expect(new Set(results.map((result) => result.reservation.id)).size).toBe(1);
      expect(await world.levels(product)).toMatchObject({ reserved: 2, available: 8 });
      expect(await world.published('inventory.stock-reserved')).toHaveLength(1);
    });

    it('changes nothing twice for an order-placed event delivered many times at once', async () => {
      const product = await world.productWithStock(10);
      const placed = inboxIntake(inventorySubscriptions, {
        service: 'inventory',
        log: quietLog,
        dataSource: db.primary,
        deps: { inventory: world.deps, reservationTtlSeconds: 900 },
      }).find((subscription) => subscription.topic === topics.orderPlaced);
      const event = orderPlaced(randomUUID(), product, 3);
      // The same event redelivered, and the same order announced again under new event ids.
      const deliveries = [...times(10, () => event), ...times(5, () => ({ ...event, id: randomUUID() }))];

      const outcomes = await Promise.all(deliveries.map((delivery) => deliverUntilDone(placed!, delivery)));

      expect(outcomes.every((outcome) => outcome === 'success')).toBe(true);
      expect(await world.levels(product)).toMatchObject({ reserved: 3, available: 7 });
      expect(await world.published('inventory.stock-reserved')).toHaveLength(1);
    });

    it('settles a payment racing a cancellation for the same order consistently', async () => {
      const product = await world.productWithStock(10);
      await Promise.all(times(20, (i) => world.reserve(`order-${i}`, [line(product)])));
      const settled = await Promise.all(
        times(20, (i) => Promise.all([world.commit(`order-${i}`), world.release(`order-${i}`, 'order-cancelled')])),
      );
      // Committed then cancelled puts the unit back on hand; cancelled then paid commits nothing.
      expect(settled.every(([, released]) => released.ok)).toBe(true);
      expect(await world.levels(product)).toEqual({ productId: product, onHand: 10, reserved: 0, available: 10 });
    });

    it('expires each reservation exactly once when two replicas sweep at the same time', async () => {
      const product = await world.productWithStock(40);
      await Promise.all(times(40, (i) => world.reserve(`order-${i}`, [line(product)], 60)));
      clock.advanceSeconds(60);
      const replica = inventoryWorld(db.replica, inventoryDeps({ clock: clock.now }));

      const passes = await Promise.all([world.sweep(100), replica.sweep(100), world.sweep(10), replica.sweep(10)]);

      expect(passes.reduce((sum, pass) => sum + pass.expired, 0)).toBe(40);
      expect(await world.levels(product)).toEqual({ productId: product, onHand: 40, reserved: 0, available: 40 });
      expect(await world.published('inventory.stock-released')).toHaveLength(40);
      expectOneChangePerVersion(await world.stockChanges(product), 81);
    });
  });
}

function expectOneChangePerVersion(changes: StockChanged[], count: number): void {
  expect(changes.map((change) => change.version).sort((a, b) => a - b)).toEqual(times(count, (i) => i + 1));
}

/** Reads a product's levels over and over while a race runs, remembering the lowest available seen. */
function watchLevels(world: InventoryWorld, productId: string) {
  let running = true;
  let lowest = Number.POSITIVE_INFINITY;
  const loop = (async () => {
    while (running) {
      const levels = await world.levels(productId);
      lowest = Math.min(lowest, levels.available, levels.onHand - levels.reserved);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
    lowestAvailable: () => lowest,
  };
}

function orderPlaced(orderId: string, productId: string, quantity: number): EventEnvelope<OrderPlaced> {
  return {
    id: randomUUID(),
    type: 'orders.order-placed',
    occurredAt: new Date().toISOString(),
    data: {
      orderId,
      customerId: randomUUID(),
      items: [{ productId, quantity, unitPrice: { amount: 1000, currency: 'EUR' } }],
      total: { amount: 1000 * quantity, currency: 'EUR' },
      paymentMethodId: randomUUID(),
      placedAt: new Date().toISOString(),
    },
  };
}

/** What the mesh does with a delivery: a handler that throws is retried. */
async function deliverUntilDone(
  subscription: { handle(event: EventEnvelope): Promise<unknown> },
  event: EventEnvelope,
): Promise<unknown> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await subscription.handle(event);
    } catch (error) {
      if (attempt >= 5) throw error;
    }
  }
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
