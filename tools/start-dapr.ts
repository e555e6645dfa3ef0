// `npm run start:dapr`: the Dapr topology on one machine. Redis, PostgreSQL and Dapr's Sentry as real
// processes, each service as its own process with its own daprd (API tokens both ways, mTLS, access control),
// and the gateway on PORT with the same public paths as the embedded edge. Everything binds to 127.0.0.1;
// Ctrl-C stops it all. What runs on which port is written to $SHOP_DATA_DIR/dapr/topology.json.
// With --observability, Jaeger runs beside it and every service, sidecar and the gateway send it their spans.
// First, for its side effect: it sets the tracing variables before the kit loads.
import './start-dapr-observability';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createProcessLogger, type LogFormat, loadConfig, startTracing } from '@shop/kit';
import { startDaprTopology } from '@shop/testkit/src/dapr-topology';
import { keepOut } from '@shop/testkit/src/free-port';
import {
  type DemoDataConfig,
  demoDataConfigSchema,
  wantsDemoData,
} from '../services/edge/src/demo-data/demo-data-config';
import { seedDemoShopOnce } from '../services/edge/src/demo-data/seed-demo-shop';
import { devMailboxRoute, serveDevMailbox, startDevMailbox } from '../services/edge/src/dev-mailbox';
import { serveGateway } from '../services/edge/src/serve-gateway';
import { services } from '../services/edge/src/services';
import { storefrontPages } from '../services/edge/src/storefront/storefront-router';
import { type IdentityConfig, identityConfigSchema } from '../services/identity/src/identity-config';
import { startObservability } from './start-dapr-observability';

const repoRoot = resolve(__dirname, '..');
const port = Number(process.env.PORT ?? 8080);
// The gateway binds it only once every service is up: until then no app or sidecar may be handed it.
keepOut(port);
const dataDir = resolve(process.env.SHOP_DATA_DIR ?? join(repoRoot, '.data'), 'dapr');
/** The running topology's TopologyDescription (ports and app ids, no tokens), removed on shutdown. */
const topologyFile = join(dataDir, 'topology.json');
const logSettings = {
  LOG_LEVEL: (process.env.LOG_LEVEL as 'info' | undefined) ?? 'info',
  LOG_FORMAT: process.env.LOG_FORMAT as LogFormat | undefined,
  NODE_ENV: process.env.NODE_ENV,
};
const log = createProcessLogger('start-dapr', logSettings);

async function main(): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  let topology: Awaited<ReturnType<typeof startDaprTopology>> | undefined;
  let jaeger: Awaited<ReturnType<typeof startObservability>>;
  // As `npm start`: without an SMTP server of their own, developers read the emails at /dev/mailbox.
  const mailbox =
    !process.env.SMTP_URL && process.env.NODE_ENV !== 'production'
      ? await serveDevMailbox(await startDevMailbox())
      : undefined;
  try {
    jaeger = await startObservability(dataDir);
    const tracing = jaeger ? startTracing('gateway') : undefined;
    topology = await startDaprTopology({
      services,
      ...(mailbox ? { env: { SMTP_URL: mailbox.smtpUrl } } : {}),
      parentDir: dataDir,
      redisAppendOnly: true,
      // The suite's e2e-dapr topology runs the bundles; a developer runs the sources.
      runBundles: process.env.SHOP_DAPR_BUNDLES === 'true',
      jwksUrl: process.env.JWKS_URL ?? `http://127.0.0.1:${port}/api/auth/jwks`,
      onServiceUp: (service) => log.info(service, 'service up'),
    });
    // Everything on PORT, /metrics included, and nothing held back: locally the hub's Azure REST API is
    // served on the same origin as the rest (CONTRACT.md, local run defaults).
    // A fixed place beside the run dirs, so tools find the running topology without reading logs.
    copyFileSync(topology.descriptionFile, topologyFile);
    const stopTopology = topology.stop;
    const server = await serveGateway({
      pages: [await storefrontPages()],
      routes: mailbox ? [...topology.routes, devMailboxRoute(mailbox)] : topology.routes,
      host: process.env.HOST ?? '127.0.0.1',
      port,
      log,
      graceMs: 10_000,
      closers: [
        async () => rmSync(topologyFile, { force: true }),
        stopTopology,
        ...(mailbox ? [mailbox.close] : []),
        // After the services and sidecars, so their last spans still have somewhere to go.
        ...(tracing ? [() => tracing.shutdown()] : []),
        ...(jaeger ? [jaeger.stop] : []),
      ],
      handleSignals: true,
    });
    log.info(
      { url: `http://127.0.0.1:${server.port}`, logs: topology.run.logDir, topology: topologyFile },
      'dapr topology ready',
    );
    if (jaeger) {
      log.info(
        { ui: jaeger.queryUrl, api: `${jaeger.queryUrl}/api/traces/<trace id>`, otlp: jaeger.otlpHttpUrl },
        `traces in Jaeger: ${jaeger.queryUrl}`,
      );
    }
    // Only when asked (SHOP_DEMO_DATA=true): through the gateway, as an admin would. Every start has new databases,
    // so no marker: the seed runs each time it is asked for.
    if (wantsDemoData(loadConfig<DemoDataConfig>(demoDataConfigSchema), 'dapr')) {
      const identity = loadConfig<IdentityConfig>(identityConfigSchema);
      await seedDemoShopOnce({
        baseUrl: `http://127.0.0.1:${server.port}`,
        admin: { email: identity.SHOP_ADMIN_EMAIL as string, password: identity.SHOP_ADMIN_PASSWORD as string },
        log,
      });
    }
  } catch (error) {
    log.error({ err: error }, 'could not start the dapr topology');
    await topology?.stop();
    await mailbox?.close();
    await jaeger?.stop();
    process.exit(1);
  }
}

void main();
