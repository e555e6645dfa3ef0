import { join } from 'node:path';
import { type EmbeddedPlatform, loadConfig, runEmbedded } from '@shop/kit';
import { connectionString, redactedConnectionString } from '../../hub/src/azure/connection-string';
import { type HubConfig, hubConfigSchema, hubEndpointOf } from '../../hub/src/config';
import { type IdentityConfig, identityConfigSchema } from '../../identity/src/identity-config';
import { type DemoDataConfig, demoDataConfigSchema, wantsDemoData } from './demo-data/demo-data-config';
import type { DemoShop } from './demo-data/demo-shop';
import { demoDataMarkerFile, seedDemoShopOnce } from './demo-data/seed-demo-shop';
import { startDevMailbox } from './dev-mailbox';
import { services } from './services';
import { bannerLines, boxed } from './start-banner';
import { storefrontPages } from './storefront/storefront-router';

/**
 * `npm start`: the whole platform in one process, the storefront at /, the development mailbox unless SMTP_URL is
 * set, the demo shop seeded once (SHOP_DEMO_DATA), and the banner saying where to go.
 */
export async function startShop(
  env: NodeJS.ProcessEnv = process.env,
  handleSignals = false,
): Promise<EmbeddedPlatform> {
  // Read first: a bad SHOP_DEMO_DATA stops the start before anything listens (runMain prints the problem).
  const seeds = wantsDemoData(loadConfig<DemoDataConfig>(demoDataConfigSchema, env), 'embedded');
  // Without an SMTP server of their own, developers read the emails at /dev/mailbox (never in production).
  const mailbox = !env.SMTP_URL && env.NODE_ENV !== 'production' ? await startDevMailbox() : undefined;
  // First, so it stops last: notifications closes its pooled SMTP connection before the catcher closes (which would
  // otherwise wait for that idle connection until its own timeout, and Ctrl-C took 18 s after one email).
  const platform = await runEmbedded(mailbox ? [mailbox.manifest, ...services] : services, {
    handleSignals,
    pages: [await storefrontPages()],
    env: mailbox ? { ...env, SMTP_URL: mailbox.smtpUrl } : env,
  });
  const identity = loadConfig<IdentityConfig>(identityConfigSchema, env);
  const admin = { email: identity.SHOP_ADMIN_EMAIL as string, password: identity.SHOP_ADMIN_PASSWORD as string };
  let demo: DemoShop | undefined;
  if (seeds) {
    demo = await seedDemoShopOnce({
      baseUrl: platform.url,
      admin,
      markerFile: join(platform.dataDir, demoDataMarkerFile),
      log: platform.log,
    });
  }

  const hub = loadConfig<HubConfig>(hubConfigSchema, { ...env, PORT: String(platform.port) });
  const production = env.NODE_ENV === 'production';
  const lines = bannerLines({
    origin: `http://localhost:${platform.port}`,
    hubConnectionString: production
      ? redactedConnectionString(hubEndpointOf(hub))
      : connectionString(hubEndpointOf(hub), hub.HUB_ACCESS_KEY as string),
    admin: env.SHOP_ADMIN_PASSWORD ? { email: admin.email } : admin,
    ...(demo ? { demo: { email: demo.customer.email, password: demo.customer.password } } : {}),
    ...(seeds && !demo ? { demoMissing: '(the demo shop could not be seeded: see the error above)' } : {}),
    mailbox: mailbox !== undefined,
  });
  if (platform.logFormat === 'pretty') {
    process.stdout.write(`${boxed(lines)}\n`);
  } else {
    platform.log.info({ banner: lines.slice(1).map((line) => line.trim()) }, lines[0]);
  }
  return platform;
}
