// `npm run seed:demo -- <origin>`: seeds the demo shop (services/edge/src/demo-data/demo-shop.json) into a platform
// that already runs, through its public API as the admin: what `npm start` does by itself, for the Helm chart,
// docker-compose, Tilt or any origin. The admin's login comes from SHOP_ADMIN_EMAIL and SHOP_ADMIN_PASSWORD (the
// development ones when unset). Run it again at will: it adds only what is missing.
import { createProcessLogger, type LogFormat, loadConfig, runMain } from '@shop/kit';
import { seedDemoShopOnce } from '../services/edge/src/demo-data/seed-demo-shop';
import { type IdentityConfig, identityConfigSchema } from '../services/identity/src/identity-config';

runMain(async () => {
  const origin = (process.argv[2] ?? 'http://localhost:8080').replace(/\/$/, '');
  const log = createProcessLogger('seed-demo', {
    LOG_FORMAT: process.env.LOG_FORMAT as LogFormat | undefined,
    NODE_ENV: process.env.NODE_ENV,
  });
  // The admin's defaults are development's; another platform's admin is given by the variables.
  const identity = loadConfig<IdentityConfig>(identityConfigSchema, { ...process.env, NODE_ENV: 'development' });
  const shop = await seedDemoShopOnce({
    baseUrl: origin,
    admin: { email: identity.SHOP_ADMIN_EMAIL as string, password: identity.SHOP_ADMIN_PASSWORD as string },
    log,
  });
  if (!shop) process.exit(1);
  log.info(
    { origin, demoLogin: shop.customer.email },
    `demo customer: ${shop.customer.email} / ${shop.customer.password}`,
  );
});
