// Hot-SKU reservations on PostgreSQL: every reservation of one product is a transaction with its guarded
// UPDATE, the reservation row, the stock-changed and stock-reserved outbox rows. Measured next to the raw
// PostgreSQL rate of a bare guarded-UPDATE transaction on one row, same pool, same concurrency, same run.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createDataSource, createLogger, type HandlerContext, transaction } from '@shop/kit';
import { startPostgres } from '@shop/testkit/src/postgres';
import type { DataSource } from 'typeorm';
import type { RunInTransaction } from '../../services/inventory/src/application/inventory-deps';
import { openStockItem } from '../../services/inventory/src/application/open-stock-item';
import { reserveStockInTransaction } from '../../services/inventory/src/application/reserve-stock';
import { inventoryEntities } from '../../services/inventory/src/infrastructure/entities';
import { inventoryMigrations } from '../../services/inventory/src/infrastructure/migrations';
import { inventoryTx } from '../../services/inventory/src/infrastructure/typeorm-stock-store';
import { drive, type RateResult } from './rates';

const concurrency = 32;
const poolSize = 32;

export async function hotSkuReservations(seconds: number, logDir: string): Promise<RateResult[]> {
  const postgres = await startPostgres({ logDir: join(logDir, 'postgres') });
  let db: DataSource | undefined;
  try {
    db = createDataSource(await postgres.createDatabase('bench_inventory'), {
      entities: inventoryEntities,
      migrations: inventoryMigrations,
      poolSize,
    });
    await db.initialize();
    const deps = { lowStockThreshold: 5, clock: () => new Date() };
    const run: RunInTransaction = (work) => transaction(db as DataSource, (tx) => work(inventoryTx(tx)));
    const withRun = { ...deps, run };
    const ctx: HandlerContext = { log: createLogger({ name: 'hot-sku-bench', level: 'warn' }) };

    // Baseline: the cheapest correct hot-row transaction PostgreSQL can do here.
    await db.query('CREATE TABLE bench_counter (id int PRIMARY KEY, available int NOT NULL)');
    await db.query('INSERT INTO bench_counter VALUES (1, 2000000000)');
    const raw = await drive(concurrency, seconds, async () => {
      const runner = (db as DataSource).createQueryRunner();
      try {
        await runner.startTransaction();
        await runner.query('UPDATE bench_counter SET available = available - 1 WHERE id = 1 AND available >= 1');
        await runner.commitTransaction();
        return true;
      } finally {
        await runner.release();
      }
    });

    const hot = randomUUID();
    await run((tx) => openStockItem(ctx, { productId: hot, initialStock: 1_000_000 }, { ...deps, tx }));
    const reservations = await drive(concurrency, seconds, async () => {
      const result = await reserveStockInTransaction(
        ctx,
        { orderId: randomUUID(), lines: [{ productId: hot, quantity: 1 }], ttlSeconds: 900 },
        withRun,
      );
      return result.ok;
    });

    // Zero oversell, checked on a small stock raced by more buyers than units.
    const scarce = randomUUID();
    await run((tx) => openStockItem(ctx, { productId: scarce, initialStock: 500 }, { ...deps, tx }));
    const outcomes = await Promise.all(
      Array.from({ length: 1500 }, () =>
        reserveStockInTransaction(
          ctx,
          { orderId: randomUUID(), lines: [{ productId: scarce, quantity: 1 }], ttlSeconds: 900 },
          withRun,
        ),
      ),
    );
    const [levels] = await db.query('SELECT on_hand, reserved FROM stock_items WHERE product_id = $1', [scarce]);
    const sold = outcomes.filter((outcome) => outcome.ok).length;
    const oversell =
      sold !== 500 || Number(levels.reserved) !== 500 || Number(levels.on_hand) - Number(levels.reserved) < 0;
    if (oversell) throw new Error(`oversell check failed: ${sold} sold, levels ${JSON.stringify(levels)}`);

    return [
      { name: 'raw PostgreSQL: guarded UPDATE of one row per transaction (baseline)', ...raw, note: '' },
      {
        name: 'hot-SKU reservation (guarded UPDATE + reservation + 2 outbox rows)',
        ...reservations,
        note: `1500 buyers for 500 units: ${sold} sold, reserved ${levels.reserved}, oversell 0`,
      },
    ];
  } finally {
    await db?.destroy();
    await postgres.stop();
  }
}
