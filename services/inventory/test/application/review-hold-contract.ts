import type { StockReleased } from '@shop/contracts';
import type { DataSource } from 'typeorm';
import { type InventoryWorld, inventoryDeps, inventoryWorld, line, manualClock, times } from '../support/inventory-db';

/**
 * What `orders.order-held` does to a reservation, on a real database: the hold stops expiring and ends with the
 * order. Run on SQLite (unit) and PostgreSQL (integration), whose expiry sweep and conditional UPDATEs differ.
 */
export function describeReviewHold(database: string, openDb: () => Promise<DataSource>) {
  describe(`a reservation kept for fraud review (${database})`, () => {
    let db: DataSource;
    let world: InventoryWorld;
    let clock: ReturnType<typeof manualClock>;
    beforeEach(async () => {
      clock = manualClock();
      db = await openDb();
      world = inventoryWorld(db, inventoryDeps({ clock: clock.now }));
    });
    afterEach(() => db.destroy());

    const releasedOrders = async () =>
      (await world.published<StockReleased>('inventory.stock-released')).map((released) => released.orderId);

    it('survives sweeps long past its TTL while a reservation not held for review still expires', async () => {
      const product = await world.productWithStock(10);
      await world.reserve('held-order', [line(product, 3)], 60);
      await world.reserve('plain-order', [line(product, 2)], 60);
      expect(await world.keepForReview('held-order')).toMatchObject({ ok: true, changed: true });

      clock.advanceSeconds(61);
      expect(await world.sweep()).toEqual({ expired: 1, more: false });
      clock.advanceSeconds(7 * 24 * 3600);
      expect(await world.sweep()).toEqual({ expired: 0, more: false });

      expect(await world.reservation('held-order')).toMatchObject({ status: 'held-for-review' });
      expect(await world.reservation('plain-order')).toMatchObject({ status: 'expired' });
      expect(await world.levels(product)).toEqual({ productId: product, onHand: 10, reserved: 3, available: 7 });
      expect(await releasedOrders()).toEqual(['plain-order']);
    });

    it('keeps once: a repeated hold changes nothing and publishes nothing', async () => {
      const product = await world.productWithStock(5);
      await world.reserve('order-1', [line(product, 2)], 60);
      const outboxBefore = (await world.outbox()).length;

      expect(await world.keepForReview('order-1')).toMatchObject({ ok: true, changed: true });
      expect(await world.keepForReview('order-1')).toMatchObject({ ok: true, changed: false });

      expect((await world.outbox()).length).toBe(outboxBefore);
      expect(await world.levels(product)).toEqual({ productId: product, onHand: 5, reserved: 2, available: 3 });
    });

    it('answers not-found before the reservation exists, and keeps it once it does', async () => {
      const product = await world.productWithStock(5);
      expect(await world.keepForReview('early-hold')).toEqual({ ok: false, reason: 'not-found' });

      await world.reserve('early-hold', [line(product, 1)], 60);
      expect(await world.keepForReview('early-hold')).toMatchObject({ ok: true, changed: true });
      clock.advanceSeconds(3600);
      expect(await world.sweep()).toEqual({ expired: 0, more: false });
      expect((await world.levels(product)).reserved).toBe(1);
    });

    it('ends with the order: paid commits the kept units, failed gives them back', async () => {
      const product = await world.productWithStock(10);
      await world.reserve('approved', [line(product, 4)], 60);
      await world.reserve('rejected', [line(product, 3)], 60);
      await world.keepForReview('approved');
      await world.keepForReview('rejected');
      clock.advanceSeconds(3600);
      await world.sweep();

      expect(await world.commit('approved')).toMatchObject({ ok: true, changed: true });
      expect(await world.release('rejected', 'order-failed')).toMatchObject({ ok: true, changed: true });
      expect(await world.release('rejected', 'order-failed')).toMatchObject({ ok: true, changed: false });

      expect(await world.levels(product)).toEqual({ productId: product, onHand: 6, reserved: 0, available: 6 });
      expect(await world.reservation('approved')).toMatchObject({ status: 'committed' });
      expect(await world.reservation('rejected')).toMatchObject({ status: 'released', releaseReason: 'order-failed' });
      expect(await releasedOrders()).toEqual(['rejected']);
    });

    it('does nothing to a reservation that was rejected, released or expired before the hold', async () => {
      const product = await world.productWithStock(2);
      await world.reserve('refused', [line(product, 3)], 60);
      await world.reserve('released', [line(product, 1)], 60);
      await world.release('released', 'order-cancelled');
      await world.reserve('expired', [line(product, 1)], 60);
      clock.advanceSeconds(61);
      await world.sweep();
      const levelsBefore = await world.levels(product);

      for (const orderId of ['refused', 'released', 'expired']) {
        const result = await world.keepForReview(orderId);
        expect(result).toMatchObject({ ok: false, reason: 'not-held' });
      }
      expect((await world.reservation('refused'))?.status).toBe('rejected');
      expect((await world.reservation('released'))?.status).toBe('released');
      expect((await world.reservation('expired'))?.status).toBe('expired');
      expect(await world.levels(product)).toEqual(levelsBefore);
    });

    it('lets the sweep and the hold race for a reservation at its expiry: exactly one of them wins', async () => {
      const product = await world.productWithStock(20);
      const orders = times(20, (i) => `race-${i}`);
      await Promise.all(orders.map((orderId) => world.reserve(orderId, [line(product)], 60)));
      clock.advanceSeconds(60);

      const [kept, swept] = await Promise.all([
        Promise.all(orders.map((orderId) => world.keepForReview(orderId))),
        world.sweep(),
      ]);

      const keptCount = kept.filter((result) => result.ok && result.changed).length;
      expect(keptCount + swept.expired).toBe(20);
      expect((await world.levels(product)).reserved).toBe(keptCount);
      expect((await releasedOrders()).length).toBe(swept.expired);
    });
  });
}
