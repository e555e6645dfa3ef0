import { inboxIntake, type ServiceManifest, transaction } from '@shop/kit';
import { expireDueReservations } from './application/expire-reservations';
import type { InventoryDeps, RunInTransaction } from './application/inventory-deps';
import { type InventoryConfig, inventoryConfigSchema } from './config';
import { inventoryRoutes } from './http/routes';
import { inventoryEntities } from './infrastructure/entities';
import { inventoryMigrations } from './infrastructure/migrations';
import { countReservationsOf } from './infrastructure/reservation-metrics';
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
  data: { entities: inventoryEntities, migrations: inventoryMigrations },
  outbox: true,
  async setup({ name, config, dataSource: db, log, metrics, authenticate }) {
    countReservationsOf(db, metrics);
    const run: RunInTransaction = (work) => transaction(db, (tx) => work(inventoryTx(tx)));
    const deps: InventoryDeps = { lowStockThreshold: config.LOW_STOCK_THRESHOLD, clock: () => new Date() };
    const sweepLog = log.child({ component: 'reservation-sweeper' });
    const sweep = { ...deps, run };
    const sweeper = new ReservationSweeper(
      () => expireDueReservations({ log: sweepLog }, { batchSize: config.RESERVATION_SWEEP_BATCH_SIZE }, sweep),
      { intervalMs: config.RESERVATION_SWEEP_INTERVAL_MS, log: sweepLog },
    );
    const api = inventoryRoutes(
      { db, run, unitOf: inventoryTx, inventory: deps, defaultTtlSeconds: config.RESERVATION_TTL_SECONDS },
      authenticate,
    );
    return {
      router: api.router,
      openApi: api.openApi({
        title: 'inventory',
        version: '1',
        description: 'Stock levels, admin adjustments, and reservations for orders (internal).',
      }),
      subscriptions: inboxIntake(inventorySubscriptions, {
        service: name,
        log,
        dataSource: db,
        deps: { inventory: deps, reservationTtlSeconds: config.RESERVATION_TTL_SECONDS },
      }),
      jobs: [sweeper],
    };
  },
};
