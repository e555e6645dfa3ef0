import type { StockCommitted, StockReleased } from '@shop/contracts';
import type { DataSource } from 'typeorm';
import {
  type InventoryWorld,
  inventoryDeps,
  inventoryWorld,
  line,
  manualClock,
  openInventoryDb,
} from '../support/inventory-db';

describe('committing and releasing a reservation', () => {
  let db: DataSource;
  let world: InventoryWorld;
  let clock: ReturnType<typeof manualClock>;
  beforeEach(async () => {
    clock = manualClock();
    db = await openInventoryDb();
    world = inventoryWorld(db, inventoryDeps({ clock: clock.now }));
  });
  afterEach(() => db.destroy());

  it('takes paid units off the shelf once, however often the payment is reported', async () => {
    const product = await world.productWithStock(10);
    await world.reserve('order-1', [line(product, 3)]);

    expect(await world.commit('order-1')).toMatchObject({
      ok: true,
      changed: true,
      reservation: { status: 'committed' },
    });
    expect(await world.commit('order-1')).toMatchObject({ ok: true, changed: false });

    expect(await world.levels(product)).toEqual({ productId: product, onHand: 7, reserved: 0, available: 7 });
    const committed = await world.published<StockCommitted>('inventory.stock-committed');
    expect(committed).toEqual([
      { orderId: 'order-1', reservationId: expect.any(String), lines: [{ productId: product, quantity: 3 }] },
    ]);
    expect((await world.stockChanges(product)).map((change) => change.version)).toEqual([1, 2, 3]);
  });

  it('gives held units back once when the order fails', async () => {
    const product = await world.productWithStock(10);
    await world.reserve('order-2', [line(product, 4)]);

    expect(await world.release('order-2', 'order-failed')).toMatchObject({ ok: true, changed: true });
    expect(await world.release('order-2', 'order-failed')).toMatchObject({ ok: true, changed: false });

    expect(await world.levels(product)).toEqual({ productId: product, onHand: 10, reserved: 0, available: 10 });
    expect(await world.published<StockReleased>('inventory.stock-released')).toEqual([
      {
        orderId: 'order-2',
        reservationId: expect.any(String),
        reason: 'order-failed',
        lines: [{ productId: product, quantity: 4 }],
      },
    ]);
    expect(await world.reservation('order-2')).toMatchObject({ status: 'released', releaseReason: 'order-failed' });
  });

  it('puts the units of a paid order back on hand when it is cancelled', async () => {
    const product = await world.productWithStock(10);
    await world.reserve('order-3', [line(product, 4)]);
    await world.commit('order-3');

    expect(await world.release('order-3', 'order-cancelled')).toMatchObject({ ok: true, changed: true });
    expect(await world.levels(product)).toEqual({ productId: product, onHand: 10, reserved: 0, available: 10 });
  });

  it('does not commit a released reservation', async () => {
    const product = await world.productWithStock(10);
    await world.reserve('order-4', [line(product, 1)]);
    await world.release('order-4');
    expect(await world.commit('order-4')).toMatchObject({ ok: false, reason: 'not-held' });
    expect(await world.levels(product)).toMatchObject({ onHand: 10, reserved: 0 });
  });

  it('knows no reservation for an order it never saw', async () => {
    expect(await world.commit('order-unknown')).toEqual({ ok: false, reason: 'not-found' });
    expect(await world.release('order-unknown')).toEqual({ ok: false, reason: 'not-found' });
  });

  it('releases nothing for a refused order', async () => {
    const product = await world.productWithStock(1);
    await world.reserve('order-5', [line(product, 2)]);
    expect(await world.release('order-5', 'order-failed')).toMatchObject({ ok: true, changed: false });
    expect(await world.commit('order-5')).toMatchObject({ ok: false, reason: 'not-held' });
    expect(await world.levels(product)).toMatchObject({ onHand: 1, reserved: 0 });
  });

  it('still commits an expired reservation whose units are still available', async () => {
    const product = await world.productWithStock(5);
    await world.reserve('order-6', [line(product, 2)], 60);
    clock.advanceSeconds(61);
    await world.sweep();
    expect(await world.levels(product)).toMatchObject({ onHand: 5, reserved: 0 });

    expect(await world.commit('order-6')).toMatchObject({
      ok: true,
      changed: true,
      reservation: { status: 'committed' },
    });
    expect(await world.levels(product)).toEqual({ productId: product, onHand: 3, reserved: 0, available: 3 });
  });

  it('refuses to commit an expired reservation whose units were sold since', async () => {
    const product = await world.productWithStock(2);
    await world.reserve('order-7', [line(product, 2)], 60);
    clock.advanceSeconds(61);
    await world.sweep();
    await world.reserve('order-8', [line(product, 2)]);

    expect(await world.commit('order-7')).toMatchObject({
      ok: false,
      reason: 'expired',
      shortages: [{ productId: product, requested: 2, available: 0 }],
    });
    expect(await world.levels(product)).toEqual({ productId: product, onHand: 2, reserved: 2, available: 0 });
    expect(await world.reservation('order-7')).toMatchObject({ status: 'expired' });
  });
});
