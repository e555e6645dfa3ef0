import { ApiRoutes, inboxIntake, type ServiceManifest } from '@shop/kit';
import { type AnalyticsConfig, analyticsConfigSchema } from './analytics-config';
import type { ReadDeps } from './application/ports';
import { withDashboard } from './dashboard/dashboard-router';
import { defaultDemandModel } from './domain/demand';
import { analyticsRoutes } from './http/analytics-routes';
import { analyticsEntities } from './infrastructure/entities';
import { analyticsMigrations } from './infrastructure/migrations';
import { projectionMetrics } from './infrastructure/projection-metrics';
import { storeOfTx, typeormReads } from './infrastructure/typeorm-store';
import { analyticsSubscriptions } from './subscriptions/analytics-subscriptions';

/**
 * Analytics: read models of the shop's events for admins (orders, revenue and average order value per currency,
 * customers registered, units sold per product and day, stock), each event counted once through the inbox, and
 * the admin endpoints that read them.
 */
export const analyticsService: ServiceManifest<AnalyticsConfig> = {
  name: 'analytics',
  // The API, and the admin dashboard's page with its script and style (src/dashboard).
  publicPaths: ['/api/analytics', '/admin'],
  config: analyticsConfigSchema,
  data: { entities: analyticsEntities, migrations: analyticsMigrations },
  async setup({ name, config, dataSource, log, metrics, authenticate }) {
    const clock = { now: () => new Date() };
    const reads: ReadDeps = {
      reads: typeormReads(dataSource),
      clock,
      demand: { ...defaultDemandModel, halfLifeDays: config.ANALYTICS_DEMAND_HALF_LIFE_DAYS },
    };
    const counted = projectionMetrics(metrics);

    const api = new ApiRoutes();
    api.use(authenticate);
    analyticsRoutes(api, reads);
    return {
      router: await withDashboard(api.router),
      openApi: api.openApi({
        title: 'analytics',
        version: '1',
        description: "Admins' figures of the shop: summary, sales series, top products, stock outlook.",
      }),
      subscriptions: inboxIntake(analyticsSubscriptions, {
        service: name,
        log,
        dataSource,
        deps: { storeOf: storeOfTx, projected: counted },
      }),
    };
  },
};
