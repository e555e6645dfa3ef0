import Joi from 'joi';

/** The analytics service's own settings (besides the host's), validated at start. */
export interface AnalyticsConfig {
  NODE_ENV: string;
  /** The half-life, in days, of the daily demand average behind the stock outlook (services/analytics/README.md). */
  ANALYTICS_DEMAND_HALF_LIFE_DAYS: number;
}

export const analyticsConfigSchema = Joi.object<AnalyticsConfig>({
  NODE_ENV: Joi.string().default('development'),
  ANALYTICS_DEMAND_HALF_LIFE_DAYS: Joi.number().min(0.5).max(90).default(7),
});
