import { reviewThresholdsFrom } from '@shop/contracts';
import { ApiRoutes, inboxIntake, type ServiceManifest } from '@shop/kit';
import type { FraudDeps } from './application/ports';
import { defaultWeights } from './domain/weights';
import { type FraudConfig, fraudConfigSchema } from './fraud-config';
import { assessmentRoutes } from './http/assessment-routes';
import { assessmentMetrics, unmappedDeclines } from './infrastructure/assessment-metrics';
import { fraudEntities } from './infrastructure/entities';
import { fraudMigrations } from './infrastructure/migrations';
import { fraudStoreOf, typeormReads, typeormUnitOfWork } from './infrastructure/typeorm-fraud-store';
import { fraudSubscriptions } from './subscriptions/fraud-subscriptions';

/**
 * Fraud review: scores every order before it is placed (orders invokes `POST /internal/assessments` and holds the
 * order at or above FRAUD_REVIEW_SCORE), from what it learns of the other contexts' events and its own assessments.
 * No public paths: only orders calls it.
 */
export const fraudService: ServiceManifest<FraudConfig> = {
  name: 'fraud',
  publicPaths: [],
  config: fraudConfigSchema,
  data: { entities: fraudEntities, migrations: fraudMigrations },
  async setup({ name, config, dataSource, log, metrics }) {
    const deps: FraudDeps = {
      unitOfWork: typeormUnitOfWork(dataSource),
      read: typeormReads(dataSource),
      clock: { now: () => new Date() },
      thresholds: reviewThresholdsFrom(config),
      weights: defaultWeights,
      observer: assessmentMetrics(metrics),
    };
    const api = new ApiRoutes();
    assessmentRoutes(api, deps);
    return {
      router: api.router,
      openApi: api.openApi({ title: 'fraud', version: '1', description: 'Risk assessments of orders (internal).' }),
      subscriptions: inboxIntake(fraudSubscriptions, {
        service: name,
        log,
        dataSource,
        deps: { storeOf: fraudStoreOf, unmappedDecline: unmappedDeclines(metrics) },
      }),
    };
  },
};
