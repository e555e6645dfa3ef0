import Joi from 'joi';

/**
 * SHOP_DEMO_DATA: seed the demo shop (demo-shop.json) at start. Unset, `npm start` seeds outside production; the Dapr
 * topology and the chart seed only when it is `true`.
 */
export const demoDataConfigSchema = Joi.object({
  NODE_ENV: Joi.string().default('development'),
  SHOP_DEMO_DATA: Joi.boolean(),
});

export interface DemoDataConfig {
  NODE_ENV: string;
  SHOP_DEMO_DATA?: boolean;
}

/** Whether this start seeds: the variable when set, else the topology's default (true only for `npm start`). */
export function wantsDemoData(config: DemoDataConfig, topology: 'embedded' | 'dapr'): boolean {
  if (config.SHOP_DEMO_DATA !== undefined) return config.SHOP_DEMO_DATA;
  return topology === 'embedded' && config.NODE_ENV !== 'production';
}
