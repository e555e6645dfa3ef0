import { randomUUID } from 'node:crypto';
import type { EventEnvelope, ProductCreated, StockChanged } from '@shop/contracts';
import { createDataSource, createLogger, type HandlerContext, OutboxEvent, type Tx, transaction } from '@shop/kit';
import type { DataSource } from 'typeorm';
import { type AdjustResult, adjustStock } from '../../src/application/adjust-stock';
import { type CommitResult, commitReservation } from '../../src/application/commit-reservation';
import { expireDueReservations } from '../../src/application/expire-reservations';
import type { InventoryDeps } from '../../src/application/inventory-deps';
import { type KeepForReviewResult, keepReservationForReview } from '../../src/application/keep-for-review';
import { openStockItem } from '../../src/application/open-stock-item';
import { type ReleaseResult, releaseReservation } from '../../src/application/release-reservation';
import { type ReserveResult, reserveStockInTransaction } from '../../src/application/reserve-stock';
import type { InventoryTx } from '../../src/application/stock-store';
import type { ReleaseReason, ReservationLine } from '../../src/domain/reservation';
import { levelsOf, type StockLevels } from '../../src/domain/stock-levels';
import { inventoryEntities } from '../../src/infrastructure/entities';
import { inventoryMigrations } from '../../src/infrastructure/migrations';
import { inventoryTx } from '../../src/infrastructure/typeorm-stock-store';

/** The inventory schema on a fresh database: `sqlite::memory:` or a PostgreSQL URL. */
export async function openInventoryDb(url = 'sqlite::memory:', poolSize?: number): Promise<DataSource> {
  const db = createDataSource(url, {
    entities: inventoryEntities,
    migrations: inventoryMigrations,
    ...(poolSize ? { poolSize } : {}),
  });
  await db.initialize();
  return db;
}

/** A clock the test moves by hand. */
export function manualClock(start = new Date('2030-01-01T00:00:00.000Z')) {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advanceSeconds(seconds: number) {
      now += seconds * 1000;
    },
  };
}

export function inventoryDeps(overrides: Partial<InventoryDeps> = {}): InventoryDeps {
  return { lowStockThreshold: 5, clock: () => new Date(), ...overrides };
}

export const line = (productId: string, quantity = 1): ReservationLine => ({ productId, quantity });

/** A small world to arrange tests in and to look at what they left: levels, reservations, the outbox. */
export function inventoryWorld(db: DataSource, deps: InventoryDeps) {
  /** A transaction as the use cases get it in the service. */
  const run = <T>(work: (tx: InventoryTx) => Promise<T>) => transaction(db, (tx) => work(inventoryTx(tx)));
  /** A kit transaction, for looking at what the service wrote. */
  const runKit = <T>(work: (tx: Tx) => Promise<T>) => transaction(db, work);
  const ctx: HandlerContext = { log: createLogger({ name: 'inventory-test', level: 'fatal' }) };
  const world = {
    db,
    deps,
    ctx,
    run,
    async productWithStock(onHand: number, productId: string = randomUUID()): Promise<string> {
      await run((tx) => openStockItem(ctx, { productId, initialStock: onHand }, { ...deps, tx }));
      return productId;
    },
    reserve(orderId: string, lines: ReservationLine[], ttlSeconds = 900): Promise<ReserveResult> {
      return reserveStockInTransaction(ctx, { orderId, lines, ttlSeconds }, { ...deps, run });
    },
    commit(orderId: string): Promise<CommitResult> {
      return run((tx) => commitReservation(ctx, { orderId }, { ...deps, tx }));
    },
    release(orderId: string, reason: ReleaseReason = 'order-cancelled'): Promise<ReleaseResult> {
      return run((tx) => releaseReservation(ctx, { orderId, reason }, { ...deps, tx }));
    },
    /** What `orders.order-held` does to the order's reservation. */
    keepForReview(orderId: string): Promise<KeepForReviewResult> {
      return run((tx) => keepReservationForReview(ctx, { orderId }, { ...deps, tx }));
    },
    adjust(productId: string, delta: number, reason = 'stock count'): Promise<AdjustResult> {
      return run((tx) => adjustStock(ctx, { productId, delta, reason, actorId: 'admin-1' }, { ...deps, tx }));
    },
    sweep(batchSize = 100) {
      return expireDueReservations(ctx, { batchSize }, { ...deps, run });
    },
    async levels(productId: string): Promise<StockLevels> {
      const item = await run((tx) => tx.stock.findItem(productId));
      if (!item) throw new Error(`no stock item for ${productId}`);
      return levelsOf(item);
    },
    async reservation(orderId: string) {
      return run((tx) => tx.stock.findReservation(orderId));
    },
    /** Every event written to the outbox so far, oldest first. */
    async outbox(topic?: string): Promise<EventEnvelope[]> {
      const rows = await runKit((tx) => tx.manager.find(OutboxEvent, { order: { seq: 'ASC' } }));
      return rows
        .filter((row) => topic === undefined || row.topic === topic)
        .map((row) => ({
          id: row.id,
          type: row.type,
          occurredAt: row.occurredAt.toISOString(),
          data: JSON.parse(row.payload),
        }));
    },
    /** The data of every event on `topic`, oldest first. */
    async published<T = Record<string, unknown>>(topic: string): Promise<T[]> {
      return (await world.outbox(topic)).map((event) => event.data as T);
    },
    async stockChanges(productId: string): Promise<StockChanged[]> {
      const changes = await world.published<StockChanged>('inventory.stock-changed');
      return changes.filter((change) => change.productId === productId);
    },
  };
  return world;
}

export type InventoryWorld = ReturnType<typeof inventoryWorld>;

export function times<T>(count: number, make: (i: number) => T): T[] {
  return Array.from({ length: count }, (_, i) => make(i));
}

/** What the catalog announces for a new product with `initialStock` units. */
export function productCreated(initialStock: number, productId: string = randomUUID()): ProductCreated {
  return {
    productId,
    sku: `SKU-${productId.slice(0, 8)}`,
    name: 'Kettle',
    price: { amount: 2999, currency: 'EUR' },
    categoryId: randomUUID(),
    status: 'active',
    initialStock,
    createdAt: new Date().toISOString(),
  };
}
