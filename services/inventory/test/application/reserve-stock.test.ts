import type { StockReservationFailed, StockReserved } from '@shop/contracts';
import type { DataSource } from 'typeorm';
import { discontinueStockItem } from '../../src/application/open-stock-item';
import { maxOnHand } from '../../src/domain/stock-levels';
import {
  type InventoryWorld,
  inventoryDeps,
  inventoryWorld,
  line,
  manualClock,
  openInventoryDb,
} from '../support/inventory-db';

describe('reserving stock for an order', () => {
  let db: DataSource;
  let world: InventoryWorld;
  const clock = manualClock();
  beforeEach(async () => {
    db = await openInventoryDb();
    world = inventoryWorld(db, inventoryDeps({ clock: clock.now }));
  });
  afterEach(() => db.destroy());

  it('holds every line and publishes the new levels and the reservation', async () => {
    const kettle = await world.productWithStock(10);
    const mug = await world.productWithStock(4);

    const result = await world.reserve('order-1', [line(kettle, 2), line(mug, 4)], 600);

    expect(result).toMatchObject({ ok: true, created: true, reservation: { orderId: 'order-1', status: 'held' } });
    expect(await world.levels(kettle)).toEqual({ productId: kettle, onHand: 10, reserved: 2, available: 8 });
    expect(await world.levels(mug)).toEqual({ productId: mug, onHand: 4, reserved: 4, available: 0 });
    expect((await world.stockChanges(kettle)).map((change) => [change.version, change.available])).toEqual([
      [1, 10],
      [2, 8],
    ]);
    const [reserved] = await world.published<StockReserved>('inventory.stock-reserved');
    expect(reserved).toEqual({
      orderId: 'order-1',
      reservationId: result.ok ? result.reservation.id : '',
      lines: [line(kettle, 2), line(mug, 4)].sort((a, b) => (a.productId < b.productId ? -1 : 1)),
      expiresAt: new Date(clock.now().getTime() + 600_000).toISOString(),
    });
  });

  it('holds nothing when one line falls short, and names every short line', async () => {
    // Ids in this order make the plentiful line reserve first: the short ones must undo it.
    const plenty = await world.productWithStock(10, '00000000-0000-4000-8000-000000000001');
    const scarce = await world.productWithStock(1, '00000000-0000-4000-8000-000000000002');
    const gone = await world.productWithStock(0, '00000000-0000-4000-8000-000000000003');

    const result = await world.reserve('order-2', [line(plenty, 3), line(scarce, 2), line(gone, 1)]);

    expect(result).toMatchObject({ ok: false, reason: 'insufficient-stock' });
    expect(await world.levels(plenty)).toEqual({ productId: plenty, onHand: 10, reserved: 0, available: 10 });
    expect(await world.levels(scarce)).toEqual({ productId: scarce, onHand: 1, reserved: 0, available: 1 });
    const [failed] = await world.published<StockReservationFailed>('inventory.stock-reservation-failed');
    expect(failed?.orderId).toBe('order-2');
    expect(failed?.reason).toBe('insufficient-stock');
    expect(failed?.shortages).toEqual(
      expect.arrayContaining([
        { productId: scarce, requested: 2, available: 1 },
        { productId: gone, requested: 1, available: 0 },
      ]),
    );
    expect(failed?.shortages).toHaveLength(2);
    // Nothing moved, so nothing was announced beyond the items' creation.
    expect(await world.stockChanges(plenty)).toHaveLength(1);
  });

  it('refuses products it has no stock item for as unknown', async () => {
    const known = await world.productWithStock(5);
    const result = await world.reserve('order-3', [line(known), line('0b7c7a52-5a5c-4d8e-9d2a-3f1f0c1e2d3b')]);
    expect(result).toMatchObject({ ok: false, reason: 'unknown-product' });
    expect((await world.levels(known)).reserved).toBe(0);
  });

  it('reserves once per order however often it is asked', async () => {
    const product = await world.productWithStock(5);
    const first = await world.reserve('order-4', [line(product, 2)]);
    const again = await world.reserve('order-4', [line(product, 2)]);
    const different = await world.reserve('order-4', [line(product, 3)]);

    expect(again).toEqual({ ok: true, created: false, reservation: first.ok ? first.reservation : undefined });
    expect(different).toMatchObject({ ok: true, created: false });
    expect(await world.levels(product)).toMatchObject({ reserved: 2, available: 3 });
    expect(await world.published('inventory.stock-reserved')).toHaveLength(1);
  });

  it('answers a refused order with the same refusal even after stock arrived', async () => {
    const product = await world.productWithStock(1);
    const refused = await world.reserve('order-5', [line(product, 2)]);
    await world.adjust(product, 10);

    const again = await world.reserve('order-5', [line(product, 2)]);

    expect(again).toEqual(refused);
    expect((await world.levels(product)).reserved).toBe(0);
    expect(await world.published('inventory.stock-reservation-failed')).toHaveLength(1);
  });

  it('sums lines of the same product before checking what is available', async () => {
    const product = await world.productWithStock(3);
    expect(await world.reserve('order-6', [line(product, 2), line(product, 2)])).toMatchObject({ ok: false });
    expect(await world.reserve('order-7', [line(product, 1), line(product, 2)])).toMatchObject({ ok: true });
    expect(await world.levels(product)).toMatchObject({ reserved: 3, available: 0 });
  });

  it('refuses quantities beyond anything that can be on hand without failing', async () => {
    const product = await world.productWithStock(5);
    const result = await world.reserve('order-8', [line(product, maxOnHand), line(product, maxOnHand)]);
    expect(result).toMatchObject({ ok: false, shortages: [{ productId: product, requested: 2 * maxOnHand }] });
  });

  it('reserves nothing new for a discontinued product', async () => {
    const product = await world.productWithStock(5);
    await world.run((tx) => discontinueStockItem(world.ctx, { productId: product }, { ...world.deps, tx }));
    const result = await world.reserve('order-9', [line(product)]);
    expect(result).toMatchObject({ ok: false, shortages: [{ productId: product, requested: 1, available: 0 }] });
  });

  it('warns once when available falls through the low-stock threshold', async () => {
    const product = await world.productWithStock(8);
    await world.reserve('order-10', [line(product, 2)]); // 6 left: above 5
    await world.reserve('order-11', [line(product, 2)]); // 4 left: crossed
    await world.reserve('order-12', [line(product, 1)]); // 3 left: still low, no second warning
    expect(await world.published('inventory.low-stock')).toEqual([
      { productId: product, available: 4, threshold: 5, at: clock.now().toISOString() },
    ]);
  });
});
