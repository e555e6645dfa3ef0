import { ApiRoutes, hubSenderFrom, inboxIntake, type ServiceManifest } from '@shop/kit';
import { type AnalyticsConfig, analyticsConfigSchema } from './analytics-config';
import type { ReadDeps } from './application/ports';
import { summaryOf } from './application/read-metrics';
import { withDashboard } from './dashboard/dashboard-router';
import { defaultDemandModel } from './domain/demand';
import { reportRange } from './domain/report-range';
import { analyticsRoutes } from './http/analytics-routes';
import { analyticsEntities } from './infrastructure/entities';
import { liveMetrics } from './infrastructure/live-metrics';
import { analyticsMigrations } from './infrastructure/migrations';
import { projectionMetrics } from './infrastructure/projection-metrics';
import { storeOfTx, typeormReads } from './infrastructure/typeorm-store';
import { analyticsSubscriptions } from './subscriptions/analytics-subscriptions';

/**
 * Analytics: read models of the shop's events for admins (orders, revenue and average order value per currency,
 * customers registered, units sold per product and day, stock), each event counted once through the inbox, and
 * the admin endpoints that read them; after changes it sends the summary live to the hub's `analytics` hub.
 */
export const analyticsService: ServiceManifest<AnalyticsConfig> = {
  name: 'analytics',
  // The API, and the admin dashboard's page with its script and style (src/dashboard).
  publicPaths: ['/api/analytics', '/admin'],
  config: analyticsConfigSchema,
  data: { entities: analyticsEntities, migrations: analyticsMigrations },
  async setup({ name, config, dataSource, log, metrics, authenticate, mesh, origin }) {
    const clock = { now: () => new Date() };
    const reads: ReadDeps = {
      reads: typeormReads(dataSource),
      clock,
      demand: { ...defaultDemandModel, halfLifeDays: config.ANALYTICS_DEMAND_HALF_LIFE_DAYS },
    };
    const counted = projectionMetrics(metrics);
    // Live figures when this topology reaches a hub: the summary of the default range, as the dashboard opens with.
    const sender = hubSenderFrom(config, { mesh, metrics, name, ...(origin ? { origin } : {}) });
    const liveLog = log.child({ component: 'live-metrics' });
    const live = sender
      ? liveMetrics({
          sender,
          minIntervalMs: config.ANALYTICS_LIVE_INTERVAL_MS,
          log: liveLog,
          metrics,
          summary: () => {
            const range = reportRange({}, clock.now());
            if (!range.ok) throw new Error(`the default range is invalid: ${range.message}`);
            return summaryOf({ log: liveLog }, range, reads);
          },
        })
      : undefined;
    if (!live)
      log.warn('no hub to reach (HUB_CONNECTION_STRING, a daprd, or the own origin): figures are not sent live');

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
        deps: {
          storeOf: storeOfTx,
          projected: (eventType) => {
            counted(eventType);
            live?.changed();
          },
        },
      }),
      close: () => live?.close(),
    };
  },
};
