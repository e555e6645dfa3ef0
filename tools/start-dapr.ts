// `npm run start:dapr`: the Dapr topology on one machine. Redis and PostgreSQL as real processes,
// each service as its own process with its own daprd, and the gateway on PORT with the same public
// paths as the embedded edge. Everything binds to 127.0.0.1; Ctrl-C stops it all.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createLogger } from '@shop/kit';
import { prepareDaprRunDir } from '@shop/testkit/src/dapr-run-dir';
import { startSidecar } from '@shop/testkit/src/daprd';
import { freePort, waitForPort } from '@shop/testkit/src/free-port';
import { type ManagedProcess, spawnManaged } from '@shop/testkit/src/managed-process';
import { startPostgres } from '@shop/testkit/src/postgres';
import { startRedis } from '@shop/testkit/src/redis';
import type { GatewayRoute } from '../services/edge/src/gateway';
import { serveGateway } from '../services/edge/src/serve-gateway';
import { services } from '../services/edge/src/services';

const repoRoot = resolve(__dirname, '..');
const port = Number(process.env.PORT ?? 8080);
const dataDir = resolve(process.env.SHOP_DATA_DIR ?? join(repoRoot, '.data'), 'dapr');
const log = createLogger({ name: 'start-dapr', level: (process.env.LOG_LEVEL as 'info' | undefined) ?? 'info' });

async function main(): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  const run = prepareDaprRunDir({ parentDir: dataDir });
  const stoppers: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) await stop().catch(() => {});
    run.remove();
  };
  try {
    const redis = await startRedis({ logDir: run.logDir, appendOnly: true });
    stoppers.push(() => redis.stop());
    const postgres = await startPostgres({ logDir: run.logDir });
    stoppers.push(() => postgres.stop());
    log.info({ redis: redis.url, postgres: postgres.port }, 'infrastructure up');

    const routes: GatewayRoute[] = [];
    for (const manifest of services) {
      const appPort = await freePort();
      const databaseUrl = await postgres.createDatabase(manifest.name.replace(/-/g, '_'));
      // The sidecar's API is up before its app is: it waits for the app port, then asks /dapr/subscribe.
      const sidecar = await startSidecar(run, redis.url, manifest.name, appPort);
      stoppers.push(() => sidecar.stop());
      const service: ManagedProcess = spawnManaged(manifest.name, join(repoRoot, 'node_modules', '.bin', 'tsx'), {
        args: [join(repoRoot, 'services', manifest.name, 'src', 'main.ts')],
        cwd: repoRoot,
        logDir: run.logDir,
        env: {
          ...process.env,
          APP_PORT: String(appPort),
          DAPR_HTTP_PORT: String(sidecar.httpPort),
          DATABASE_URL: databaseUrl,
          JWKS_URL: process.env.JWKS_URL ?? `http://127.0.0.1:${port}/api/auth/jwks`,
          // The gateway appends the client's address to X-Forwarded-For.
          TRUSTED_PROXY_HOPS: '1',
        },
      });
      // Stopped before its sidecar, as in a pod: the app drains while daprd still carries its calls.
      stoppers.push(() => service.stop());
      await waitForPort(appPort, 60_000);
      routes.push({
        service: manifest.name,
        target: `http://127.0.0.1:${appPort}`,
        prefixes: manifest.publicPaths,
        streamingPaths: manifest.streamingPaths ?? [],
      });
      log.info({ service: manifest.name, appPort, sidecar: sidecar.httpPort }, 'service up');
    }

    // Everything on PORT, /metrics included, and nothing held back: locally the hub's Azure REST API is
    // served on the same origin as the rest (CONTRACT.md, local run defaults).
    const server = await serveGateway({
      routes,
      host: process.env.HOST ?? '127.0.0.1',
      port,
      log,
      graceMs: 10_000,
      closers: [stopAll],
      handleSignals: true,
    });
    log.info({ url: `http://127.0.0.1:${server.port}`, logs: run.logDir }, 'dapr topology ready');
  } catch (error) {
    log.error({ err: error }, 'could not start the dapr topology');
    await stopAll();
    process.exit(1);
  }
}

void main();
