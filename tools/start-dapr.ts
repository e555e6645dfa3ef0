// `npm run start:dapr`: the Dapr topology on one machine. Redis, PostgreSQL and Dapr's Sentry as real
// processes, each service as its own process with its own daprd (API tokens both ways, mTLS, access control),
// and the gateway on PORT with the same public paths as the embedded edge. Everything binds to 127.0.0.1;
// Ctrl-C stops it all. What runs on which port is written to $SHOP_DATA_DIR/dapr/topology.json.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createLogger } from '@shop/kit';
import { startDaprTopology } from '@shop/testkit/src/dapr-topology';
import { serveDevMailbox, startDevMailbox } from '../services/edge/src/dev-mailbox';
import { serveGateway } from '../services/edge/src/serve-gateway';
import { services } from '../services/edge/src/services';
import { storefrontPages } from '../services/edge/src/storefront/storefront-router';

const repoRoot = resolve(__dirname, '..');
const port = Number(process.env.PORT ?? 8080);
const dataDir = resolve(process.env.SHOP_DATA_DIR ?? join(repoRoot, '.data'), 'dapr');
/** The running topology's TopologyDescription (ports and app ids, no tokens), removed on shutdown. */
const topologyFile = join(dataDir, 'topology.json');
const log = createLogger({ name: 'start-dapr', level: (process.env.LOG_LEVEL as 'info' | undefined) ?? 'info' });

async function main(): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  let topology: Awaited<ReturnType<typeof startDaprTopology>> | undefined;
  // As `npm start`: without an SMTP server of their own, developers read the emails at /dev/mailbox.
  const mailbox =
    !process.env.SMTP_URL && process.env.NODE_ENV !== 'production'
      ? await serveDevMailbox(await startDevMailbox())
      : undefined;
  try {
    topology = await startDaprTopology({
      services,
      ...(mailbox ? { env: { SMTP_URL: mailbox.smtpUrl } } : {}),
      parentDir: dataDir,
      redisAppendOnly: true,
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
      routes: mailbox
        ? [
            ...topology.routes,
            { service: 'dev-mailbox', target: mailbox.url, prefixes: ['/dev/mailbox'], streamingPaths: [] },
          ]
        : topology.routes,
      host: process.env.HOST ?? '127.0.0.1',
      port,
      log,
      graceMs: 10_000,
      closers: [async () => rmSync(topologyFile, { force: true }), stopTopology, ...(mailbox ? [mailbox.close] : [])],
      handleSignals: true,
    });
    log.info(
      { url: `http://127.0.0.1:${server.port}`, logs: topology.run.logDir, topology: topologyFile },
      'dapr topology ready',
    );
  } catch (error) {
    log.error({ err: error }, 'could not start the dapr topology');
    await topology?.stop();
    await mailbox?.close();
    process.exit(1);
  }
}

void main();
