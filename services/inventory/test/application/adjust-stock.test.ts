import type { DataSource } from 'typeorm';
import { maxOnHand } from '../../src/domain/stock-levels';
import { StockAdjustmentEntity } from '../../src/infrastructure/entities';
import { type InventoryWorld, inventoryDeps, inventoryWorld, line, openInventoryDb } from '../support/inventory-db';

describe('adjusting stock', () => {
  let db: DataSource;
  let world: InventoryWorld;
  beforeEach(async () => {
    db = await openInventoryDb();
    world = inventoryWorld(db, inventoryDeps());
  });
  afterEach(() => db.destroy());

  it('adds and removes units, announcing each new level with the next version', async () => {
    const product = await world.productWithStock(10);
    expect(await world.adjust(product, 5)).toEqual({
      ok: true,
      levels: { productId: product, onHand: 15, reserved: 0, available: 15 },
    });
    expect(await world.adjust(product, -12)).toMatchObject({ ok: true, levels: { onHand: 3, available: 3 } });
    expect((await world.stockChanges(product)).map((change) => [change.version, change.onHand])).toEqual([
      [1, 10],
      [2, 15],
      [3, 3],
    ]);
    expect(await world.published('inventory.low-stock')).toEqual([
      expect.objectContaining({ productId: product, available: 3 }),
    ]);
  });

  it('records who adjusted, by how much and why', async () => {
    const product = await world.productWithStock(10);
    await world.adjust(product, -2, 'damaged in transit');
    expect(await db.manager.find(StockAdjustmentEntity)).toEqual([
      expect.objectContaining({
        productId: product,
        delta: -2,
        reason: 'damaged in transit',
        actorId: 'admin-1',
        onHandAfter: 8,
      }),
    ]);
  });

  it('refuses to take on hand below what is reserved', async () => {
    const product = await world.productWithStock(10);
    await world.reserve('order-1', [line(product, 7)]);
    expect(await world.adjust(product, -4)).toEqual({
      ok: false,
      reason: 'below-reserved',
      levels: { productId: product, onHand: 10, reserved: 7, available: 3 },
    });
    expect(await world.adjust(product, -3)).toMatchObject({
      ok: true,
      levels: { onHand: 7, reserved: 7, available: 0 },
    });
  });

  it('refuses to go beyond the most that can be on hand', async () => {
    const product = await world.productWithStock(maxOnHand - 1);
    expect(await world.adjust(product, 2)).toMatchObject({ ok: false, reason: 'above-maximum', maximum: maxOnHand });
    expect(await world.adjust(product, 1)).toMatchObject({ ok: true });
  });

  it('knows no item for a product the catalog never announced', async () => {
    expect(await world.adjust('0b7c7a52-5a5c-4d8e-9d2a-3f1f0c1e2d3b', 1)).toEqual({ ok: false, reason: 'not-found' });
  });
});
