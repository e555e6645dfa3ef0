import {
  createDataSource,
  IdempotencySweeper,
  inboxIntake,
  OutboxRelay,
  type ServiceManifest,
  transaction,
} from '@shop/kit';
import { expireDueReservations } from './application/expire-reservations';
import type { InventoryDeps, RunInTransaction } from './application/inventory-deps';
import { type InventoryConfig, inventoryConfigSchema } from './config';
import { inventoryRoutes } from './http/routes';
import { inventoryEntities } from './infrastructure/entities';
import { inventoryMigrations } from './infrastructure/migrations';
import { ReservationSweeper } from './infrastructure/reservation-sweeper';
import { inventoryTx } from './infrastructure/typeorm-stock-store';
import { inventorySubscriptions } from './subscriptions/inventory-subscriptions';

/**
 * Inventory: a stock item per catalog product, reservations for orders (all lines or none, expiring after a
 * TTL), commits on payment, releases on failure or cancellation, admin adjustments; every change published
 * through the outbox.
 */
export const inventoryService: ServiceManifest<InventoryConfig> = {
  name: 'inventory',
  publicPaths: ['/api/inventory'],
  config: inventoryConfigSchema,
  async setup(ctx) {
    const db = createDataSource(ctx.databaseUrl, {
      entities: inventoryEntities,
      migrations: inventoryMigrations,
      logger: ctx.log,
      idempotencyTtlHours: ctx.idempotencyTtlHours,
    });
    await db.initialize();
    const run: RunInTransaction = (work) => transaction(db, (tx) => work(inventoryTx(tx)));
    const deps: InventoryDeps = {
      lowStockThreshold: ctx.config.LOW_STOCK_THRESHOLD,
      clock: () => new Date(),
    };
    const relay = new OutboxRelay(db, { publish: (topic, event) => ctx.mesh.publish(topic, event), logger: ctx.log });
    const sweeper = new ReservationSweeper(
      () => expireDueReservations(run, deps, { batchSize: ctx.config.RESERVATION_SWEEP_BATCH_SIZE }),
      {
        intervalMs: ctx.config.RESERVATION_SWEEP_INTERVAL_MS,
        log: ctx.log.child({ component: 'reservation-sweeper' }),
      },
    );
    const idempotencySweeper = new IdempotencySweeper(db, { log: ctx.log });
    const api = inventoryRoutes(
      { db, run, unitOf: inventoryTx, inventory: deps, defaultTtlSeconds: ctx.config.RESERVATION_TTL_SECONDS },
      ctx.authenticate,
    );

    return {
      router: api.router,
      openApi: api.openApi({
        title: 'inventory',
        version: '1',
        description: 'Stock levels, admin adjustments, and reservations for orders (internal).',
      }),
      subscriptions: inboxIntake(inventorySubscriptions, {
        service: ctx.name,
        log: ctx.log,
        dataSource: db,
        deps: { inventory: deps, reservationTtlSeconds: ctx.config.RESERVATION_TTL_SECONDS },
      }),
      readiness: [
        {
          name: 'database',
          async check() {
            await db.query('SELECT 1');
          },
        },
      ],
      async start() {
        relay.start();
        sweeper.start();
        idempotencySweeper.start();
      },
      async stop() {
        await idempotencySweeper.stop();
        await sweeper.stop();
        await relay.stop();
        if (db.isInitialized) await db.destroy();
      },
    };
  },
};
