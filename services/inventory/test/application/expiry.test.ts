import type { StockReleased } from '@shop/contracts';
import type { DataSource } from 'typeorm';
import {
  type InventoryWorld,
  inventoryDeps,
  inventoryWorld,
  line,
  manualClock,
  openInventoryDb,
  times,
} from '../support/inventory-db';

describe('reservation expiry', () => {
  let db: DataSource;
  let world: InventoryWorld;
  let clock: ReturnType<typeof manualClock>;
  beforeEach(async () => {
    clock = manualClock();
    db = await openInventoryDb();
    world = inventoryWorld(db, inventoryDeps({ clock: clock.now }));
  });
  afterEach(() => db.destroy());

  it('releases a reservation once its TTL has passed, and not before', async () => {
    const product = await world.productWithStock(5);
    await world.reserve('order-1', [line(product, 2)], 120);

    clock.advanceSeconds(119);
    expect(await world.sweep()).toEqual({ expired: 0, more: false });
    expect((await world.levels(product)).reserved).toBe(2);

    clock.advanceSeconds(1);
    expect(await world.sweep()).toEqual({ expired: 1, more: false });
    expect(await world.levels(product)).toEqual({ productId: product, onHand: 5, reserved: 0, available: 5 });
    expect(await world.reservation('order-1')).toMatchObject({ status: 'expired', releaseReason: 'expired' });
    expect(await world.published<StockReleased>('inventory.stock-released')).toEqual([
      expect.objectContaining({ orderId: 'order-1', reason: 'expired', lines: [line(product, 2)] }),
    ]);
  });

  it('releases each expired reservation exactly once when two sweepers race', async () => {
    const product = await world.productWithStock(30);
    await Promise.all(times(30, (i) => world.reserve(`order-${i}`, [line(product)], 60)));
    clock.advanceSeconds(60);

    const passes = await Promise.all([world.sweep(7), world.sweep(7), world.sweep(100), world.sweep(100)]);

    expect(passes.reduce((sum, pass) => sum + pass.expired, 0)).toBe(30);
    expect(await world.levels(product)).toEqual({ productId: product, onHand: 30, reserved: 0, available: 30 });
    expect(await world.published('inventory.stock-released')).toHaveLength(30);
  });

  it('lets a payment and the sweep race for a just-expired reservation: exactly one of them wins', async () => {
    const product = await world.productWithStock(1);
    await world.reserve('order-1', [line(product)], 60);
    clock.advanceSeconds(60);

    const [committed, swept] = await Promise.all([world.commit('order-1'), world.sweep()]);

    // Either the commit came first (nothing left to expire) or the sweep did (and the late commit took the
    // unit straight from available): the unit is sold once either way.
    expect(committed).toMatchObject({ ok: true, changed: true });
    expect(swept.expired).toBeLessThanOrEqual(1);
    expect(await world.levels(product)).toEqual({ productId: product, onHand: 0, reserved: 0, available: 0 });
  });

  it('leaves committed and released reservations alone', async () => {
    const product = await world.productWithStock(5);
    await world.reserve('order-1', [line(product, 1)], 60);
    await world.reserve('order-2', [line(product, 1)], 60);
    await world.commit('order-1');
    await world.release('order-2');
    clock.advanceSeconds(3600);
    expect(await world.sweep()).toEqual({ expired: 0, more: false });
    expect(await world.levels(product)).toEqual({ productId: product, onHand: 4, reserved: 0, available: 4 });
  });
});
