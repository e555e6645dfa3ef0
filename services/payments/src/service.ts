import { ApiRoutes, inboxIntake, intervalJob, openDataSource, type ServiceManifest, type Tx } from '@shop/kit';
import type { PaymentsDeps } from './application/ports';
import { paymentMethodRoutes } from './http/payment-method-routes';
import { paymentRoutes } from './http/payment-routes';
import type { PaymentsHttp } from './http/payments-http';
import { cardFingerprints } from './infrastructure/card-fingerprint';
import { paymentsEntities } from './infrastructure/entities';
import { paymentsMigrations } from './infrastructure/migrations';
import { countedPaymentMoves, paymentsMetricsIn } from './infrastructure/payments-metrics';
import { simulatedGatewayEntities } from './infrastructure/simulated-gateway/entities';
import { simulatedGatewayDatabaseUrl } from './infrastructure/simulated-gateway/gateway-database';
import { simulatedGatewayMigrations } from './infrastructure/simulated-gateway/migrations';
import { SimulatedCardGateway } from './infrastructure/simulated-gateway/simulated-card-gateway';
import { paymentStoreOf, typeormUnitOfWork } from './infrastructure/typeorm-payment-store';
import { type PaymentsConfig, paymentsConfigSchema } from './payments-config';
import { paymentsSubscriptions } from './subscriptions/payments-subscriptions';

const gatewayPoolSize = 5;

/**
 * Payments: cards vaulted at the gateway for orders about to be placed, then the saga's payment steps (pending
 * at placement, authorized and captured once the stock is reserved, voided or refunded when the order ends),
 * admin refunds, and the payments API. The gateway is a port; the simulated card gateway fills it here.
 */
export const paymentsService: ServiceManifest<PaymentsConfig> = {
  name: 'payments',
  publicPaths: ['/api/payments'],
  config: paymentsConfigSchema,
  data: { entities: paymentsEntities, migrations: paymentsMigrations },
  outbox: true,
  async setup({ name, config, dataSource, databaseUrl, log, metrics, authenticate }) {
    const gatewayUrl = config.SIMULATED_GATEWAY_DATABASE_URL ?? simulatedGatewayDatabaseUrl(databaseUrl);
    if (gatewayUrl === databaseUrl && /^sqlite:(?!:memory:)/i.test(databaseUrl)) {
      // SQLite has one writer: a payments transaction waiting on the gateway's write to the same file never ends.
      throw new Error('SIMULATED_GATEWAY_DATABASE_URL must not be the payments SQLite file');
    }
    // The gateway's own DataSource: it commits on its own, as a real provider would, and a payments
    // transaction may call it without nesting a transaction on its own DataSource.
    const gatewayDataSource = await openDataSource(gatewayUrl, {
      entities: simulatedGatewayEntities,
      migrations: simulatedGatewayMigrations,
      logger: log.child({ component: 'simulated-gateway' }),
      poolSize: gatewayPoolSize,
      lockName: 'payments-gateway',
    });
    const clock = { now: () => new Date() };
    const gateway = new SimulatedCardGateway({
      dataSource: gatewayDataSource,
      clock,
      paymentMethodTtlSeconds: config.PAYMENT_METHOD_TTL_SECONDS,
    });
    const deps: PaymentsDeps = { gateway, clock, cardFingerprint: cardFingerprints(config.CARD_FINGERPRINT_SECRET) };
    const counted = countedPaymentMoves(metrics);
    const storeOf = (tx: Tx) => counted(paymentStoreOf(tx));
    const unitOfWork = typeormUnitOfWork(dataSource);
    const http: PaymentsHttp = {
      deps,
      unitOfWork: (work) => unitOfWork((store) => work(counted(store))),
      dataSource,
      storeOf,
      authenticate,
    };

    const api = new ApiRoutes();
    // Before `authenticate`: service invocation carries no user token.
    paymentMethodRoutes(api, http);
    api.use(authenticate);
    paymentRoutes(api, http);
    return {
      router: api.router,
      openApi: api.openApi({
        title: 'payments',
        version: '1',
        description: 'Payments of orders (authorized and captured when the stock is reserved) and their refunds.',
      }),
      subscriptions: inboxIntake(paymentsSubscriptions, {
        service: name,
        log,
        dataSource,
        deps: { payments: deps, storeOf, metrics: paymentsMetricsIn(metrics) },
      }),
      readiness: [{ name: 'gateway', check: async () => void (await gatewayDataSource.query('SELECT 1')) }],
      jobs: [
        intervalJob({
          name: 'purging expired payment methods',
          everyMs: config.PAYMENT_METHOD_PURGE_INTERVAL_MS,
          run: () => gateway.purgeExpiredPaymentMethods(),
          log,
        }),
      ],
      close: () => gatewayDataSource.destroy(),
    };
  },
};
