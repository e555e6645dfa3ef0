import { type HubPushConfig, hubPushConfigKeys } from '@shop/kit';
import Joi from 'joi';

/** The analytics service's own settings (besides the host's), validated at start; the hub's (`HUB_*`) come from the kit. */
export interface AnalyticsConfig extends HubPushConfig {
  NODE_ENV: string;
  /** The half-life, in days, of the daily demand average behind the stock outlook (services/analytics/README.md). */
  ANALYTICS_DEMAND_HALF_LIFE_DAYS: number;
  /** The least time between two live sends of the figures to hub `analytics` (changes meanwhile are coalesced). */
  ANALYTICS_LIVE_INTERVAL_MS: number;
}

export const analyticsConfigSchema = Joi.object<AnalyticsConfig>({
  NODE_ENV: Joi.string().default('development'),
  ANALYTICS_DEMAND_HALF_LIFE_DAYS: Joi.number().min(0.5).max(90).default(7),
  ANALYTICS_LIVE_INTERVAL_MS: Joi.number().integer().min(100).max(60_000).default(250),
  ...hubPushConfigKeys,
});
