import { reviewThresholdsFrom } from '@shop/contracts';
import { ApiRoutes, inboxIntake, type ServiceManifest, type Tx } from '@shop/kit';
import type { OrdersDeps } from './application/ports';
import { orderRoutes } from './http/order-routes';
import { catalogPriceList } from './infrastructure/catalog-price-list';
import { ordersEntities } from './infrastructure/entities';
import { meshFraudScorer } from './infrastructure/fraud-scorer';
import { ordersMigrations } from './infrastructure/migrations';
import { countedStatusChanges, ordersMetricsIn, pendingAgeGauge } from './infrastructure/orders-metrics';
import { storeOfTx, typeormUnitOfWork } from './infrastructure/typeorm-store';
import { vaultedPaymentMethods } from './infrastructure/vaulted-payment-methods';
import { type OrdersConfig, ordersConfigSchema } from './orders-config';
import { ordersSubscriptions } from './subscriptions/orders-subscriptions';

export const ordersService: ServiceManifest<OrdersConfig> = {
  name: 'orders',
  publicPaths: ['/api/orders'],
  config: ordersConfigSchema,
  data: { entities: ordersEntities, migrations: ordersMigrations },
  outbox: { tuning: (config) => ({ batchSize: config.ORDERS_OUTBOX_BATCH_SIZE }) },
  async setup({ name, config, dataSource, log, mesh, metrics, authenticate }) {
    const counted = countedStatusChanges(metrics);
    const unitOfWork = typeormUnitOfWork(dataSource);
    const storeOf = (tx: Tx) => counted(storeOfTx(tx));
    const deps: OrdersDeps = {
      unitOfWork: (work) => unitOfWork((store) => work(counted(store))),
      prices: catalogPriceList(mesh),
      paymentMethods: vaultedPaymentMethods(mesh),
      fraud: meshFraudScorer(mesh, { timeoutMs: config.FRAUD_SCORER_TIMEOUT_MS }),
      thresholds: reviewThresholdsFrom(config),
      metrics: ordersMetricsIn(metrics),
      clock: { now: () => new Date() },
    };
    const api = new ApiRoutes();
    api.use(authenticate);
    orderRoutes(api, { deps, dataSource, storeOf });
    const stopPendingAge = pendingAgeGauge(metrics, dataSource);
    return {
      router: api.router,
      openApi: api.openApi({ title: 'orders', version: '1', description: 'Orders and the order saga.' }),
      subscriptions: inboxIntake(ordersSubscriptions, {
        service: name,
        log,
        dataSource,
        deps: { orders: deps, storeOf },
      }),
      close: stopPendingAge,
    };
  },
};
