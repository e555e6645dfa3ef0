import { randomUUID } from 'node:crypto';
import { eventFlows } from '@shop/contracts';
import { OutboxEvent, onOutboxCommit } from '@shop/kit';
import { contractProblems } from '@shop/testkit/src/event-contracts';
import type { DataSource } from 'typeorm';
import { lowStock, stockChanged } from '../../src/domain/inventory-events';
import { levelsOf } from '../../src/domain/stock-levels';
import { type InventoryWorld, inventoryDeps, inventoryWorld, line, manualClock, times } from '../support/inventory-db';

// Ids in a known order: lines are reserved (and announced) in product id order.
const first = '00000000-0000-4000-8000-000000000001';
const second = '00000000-0000-4000-8000-000000000002';

/**
 * The events a reservation writes with its counters (on PostgreSQL in the UPDATE's own statement, the levels
 * taken from its RETURNING) must be exactly those the domain builds from the levels a fresh read gives.
 */
export function describeReservationAnnouncements(label: string, openDatabase: () => Promise<DataSource>): void {
  describe(`a reservation's announcements on ${label}`, () => {
    let db: DataSource;
    let world: InventoryWorld;
    const clock = manualClock();
    const lowStockThreshold = 5;
    beforeEach(async () => {
      db = await openDatabase();
      world = inventoryWorld(db, inventoryDeps({ clock: clock.now, lowStockThreshold }));
    });
    afterEach(() => db.destroy());

    const eventsSince = async (count: number) => (await world.outbox()).slice(count);
    const freshItem = async (productId: string) => {
      const item = await world.run((tx) => tx.stock.findItem(productId));
      if (!item) throw new Error(`no stock item for ${productId}`);
      return item;
    };

    it('announces every line with the levels a fresh read gives, then the reservation', async () => {
      await world.productWithStock(20, first);
      await world.productWithStock(7, second);
      const before = (await world.outbox()).length;

      const result = await world.reserve('order-1', [line(second, 2), line(first, 3)]);

      expect(result.ok).toBe(true);
      const events = await eventsSince(before);
      expect(events.map((event) => event.type)).toEqual([
        'inventory.stock-changed',
        'inventory.stock-changed',
        'inventory.low-stock',
        'inventory.stock-reserved',
      ]);
      const [firstItem, secondItem] = [await freshItem(first), await freshItem(second)];
      expect(levelsOf(firstItem)).toEqual({ productId: first, onHand: 20, reserved: 3, available: 17 });
      expect(events[0]?.data).toEqual(stockChanged(levelsOf(firstItem), firstItem.version, clock.now()).envelope.data);
      expect(events[1]?.data).toEqual(
        stockChanged(levelsOf(secondItem), secondItem.version, clock.now()).envelope.data,
      );
      expect(events[2]?.data).toEqual(lowStock(second, 5, lowStockThreshold, clock.now()).envelope.data);
      expect(events[3]?.data).toMatchObject({ orderId: 'order-1', lines: [line(first, 3), line(second, 2)] });
      for (const event of events) expect(event.occurredAt).toBe(clock.now().toISOString());
      expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
    });

    it('warns of low stock once per descent through the threshold', async () => {
      await world.productWithStock(7, first);
      for (const order of ['order-1', 'order-2', 'order-3'])
        expect((await world.reserve(order, [line(first)])).ok).toBe(true);
      expect(await world.published('inventory.low-stock')).toEqual([
        lowStock(first, 5, lowStockThreshold, clock.now()).envelope.data,
      ]);
      expect((await world.stockChanges(first)).map((change) => [change.version, change.available])).toEqual([
        [1, 7],
        [2, 6],
        [3, 5],
        [4, 4],
      ]);
    });

    it('writes none of them when an earlier line falls short and the last one fits', async () => {
      await world.productWithStock(1, first);
      await world.productWithStock(10, second);
      const before = (await world.outbox()).length;

      const result = await world.reserve('order-1', [line(first, 2), line(second, 1)]);

      expect(result).toMatchObject({ ok: false, reason: 'insufficient-stock' });
      expect((await eventsSince(before)).map((event) => event.type)).toEqual(['inventory.stock-reservation-failed']);
      expect(levelsOf(await freshItem(second))).toEqual({ productId: second, onHand: 10, reserved: 0, available: 10 });
    });

    it('wakes the outbox relay when the reservation commits', async () => {
      await world.productWithStock(10, first);
      let wakeUps = 0;
      const unsubscribe = onOutboxCommit(db, () => {
        wakeUps += 1;
      });
      try {
        await world.reserve('order-1', [line(first)]);
        expect(wakeUps).toBe(1);
      } finally {
        unsubscribe();
      }
    });

    it('writes only events that keep their contracts, the ones built inside the SQL statement included', async () => {
      const orderIds = times(5, () => randomUUID());
      const [kept, paid, cancelled, expiring, short] = orderIds as [string, string, string, string, string];
      await world.productWithStock(8, first);
      await world.productWithStock(3, second);
      // Reservations across the low-stock threshold (stock-changed, low-stock and stock-reserved in one statement
      // on PostgreSQL), then every other way a reservation ends.
      expect((await world.reserve(kept, [line(first, 2), line(second, 1)])).ok).toBe(true);
      expect((await world.reserve(paid, [line(first, 2)])).ok).toBe(true);
      expect((await world.reserve(cancelled, [line(second, 1)])).ok).toBe(true);
      expect((await world.reserve(expiring, [line(first, 1)], 1)).ok).toBe(true);
      expect((await world.reserve(short, [line(first, 50)])).ok).toBe(false);
      expect((await world.reserve(randomUUID(), [line(randomUUID(), 1)])).ok).toBe(false);
      expect((await world.commit(paid)).ok).toBe(true);
      expect((await world.release(cancelled)).ok).toBe(true);
      clock.advanceSeconds(2);
      expect((await world.sweep()).expired).toBe(1);
      expect((await world.adjust(first, 10)).ok).toBe(true);

      const rows = await db.manager.find(OutboxEvent, { order: { seq: 'ASC' } });
      const problems = rows.flatMap((row) =>
        contractProblems(row.topic, {
          id: row.id,
          type: row.type,
          occurredAt: row.occurredAt.toISOString(),
          data: JSON.parse(row.payload),
        }),
      );
      expect(problems).toEqual([]);
      const inventoryTopics = Object.entries(eventFlows).flatMap(([topic, flow]) =>
        flow.publisher === 'inventory' ? [topic] : [],
      );
      expect(new Set(rows.map((row) => row.topic))).toEqual(new Set(inventoryTopics));
    });
  });
}
