import { randomBytes } from 'node:crypto';
import { developmentAdmin } from './shop-client';

/**
 * The platform as the images run it (no development aids), with the secrets production then requires, fresh for
 * each run; the admin is the development one so the benchmark's seeding can log in.
 */
export const productionEnv = (): NodeJS.ProcessEnv => ({
  NODE_ENV: 'production',
  SHOP_ADMIN_EMAIL: developmentAdmin.email,
  SHOP_ADMIN_PASSWORD: developmentAdmin.password,
  JWT_KEYS_SECRET: randomBytes(32).toString('hex'),
  CARD_FINGERPRINT_SECRET: randomBytes(32).toString('hex'),
  HUB_ACCESS_KEY: randomBytes(32).toString('hex'),
  LOG_LEVEL: 'warn',
});
