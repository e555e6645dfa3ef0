import { resolve } from 'node:path';
import { type AppId, deliveryBatchWindowsMs } from '@shop/contracts';
import { assertConfiguration, loadConfig } from '../config/load-config';
import { openApiRouter } from '../http/api-docs';
import type { HealthState } from '../http/health';
import { createMetricsRegistry } from '../http/metrics';
import { answerReadyReads } from '../http/ready-reads';
import { createProcessLogger } from '../log/logger';
import { createDaprMesh } from '../mesh/dapr';
import { daprAppRoutes, daprDeliveries } from '../mesh/dapr-app-routes';
import { answerDaprDeliveries } from '../mesh/dapr-delivery-listener';
import { startTracing } from '../tracing/start-tracing';
import { type SidecarConfig, sidecarConfigSchema } from './host-config';
import { createHttpApp, jsonBodyLimitBytes } from './http-app';
import { documentsOf, loadService } from './load-service';
import { type RunningServer, routeUpgrades, serve } from './serve';
import type { ServiceManifest } from './service-manifest';

/**
 * An observer's batch (packages/contracts deliveryBatchWindowsMs): as many events as the pub/sub component hands out
 * at once (its `concurrency`, 10, in components/pubsub.yaml: daprd's bulk subscribe over Redis never holds more), or
 * what came within the app's window.
 */
const batchSize = 10;

/**
 * One service beside its daprd (the Kubernetes shape, and `npm run start:dapr`): the mesh through the
 * sidecar, the sidecar's subscription and event routes on the app, the database from DATABASE_URL. Both
 * directions carry a token: daprd's calls into the app (APP_API_TOKEN, checked on /dapr and /internal) and the
 * app's calls to daprd (DAPR_API_TOKEN).
 */
export async function runService(
  manifest: ServiceManifest,
  options: { env?: NodeJS.ProcessEnv; handleSignals?: boolean } = {},
): Promise<RunningServer> {
  const env = options.env ?? process.env;
  assertConfiguration([sidecarConfigSchema, manifest.config], env);
  const config = loadConfig<SidecarConfig>(sidecarConfigSchema, env);
  // Before the service loads its database driver; spans carry service.name = the app id, as daprd's do.
  const tracing = startTracing(manifest.name, env);
  const log = createProcessLogger(manifest.name, config);
  const metrics = createMetricsRegistry({ service: manifest.name });
  const health: HealthState = { accepting: true };
  const mesh = createDaprMesh({
    appId: manifest.name,
    daprHost: config.DAPR_HOST,
    daprHttpPort: config.DAPR_HTTP_PORT,
    daprApiToken: config.DAPR_API_TOKEN,
    logger: log,
  });
  const sidecarUrl = `http://${config.DAPR_HOST}:${config.DAPR_HTTP_PORT}`;
  const service = await loadService(manifest, {
    env,
    log,
    mesh,
    metrics,
    databaseUrl: config.DATABASE_URL ?? `sqlite:${resolve(config.SHOP_DATA_DIR, `${manifest.name}.sqlite`)}`,
    jwks: { uri: config.JWKS_URL, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE },
    sessionCheckSeconds: config.SESSION_CHECK_SECONDS,
  });
  const sidecarReadiness = {
    name: 'sidecar',
    async check() {
      // daprd's health endpoints answer without the API token (kubelet probes carry none).
      const res = await fetch(`${sidecarUrl}/v1.0/healthz/outbound`);
      if (res.status !== 204) throw new Error(`daprd answered ${res.status}`);
    },
  };
  const batchWindowMs = deliveryBatchWindowsMs[manifest.name as AppId];
  const deliveryOptions = {
    appId: manifest.name,
    subscriptions: service.subscriptions,
    logger: log,
    ...(batchWindowMs === undefined
      ? {}
      : { batches: { maxMessagesCount: batchSize, maxAwaitDurationMs: batchWindowMs } }),
  };
  const deliveries = daprDeliveries(deliveryOptions);
  const app = createHttpApp({
    name: manifest.name,
    log,
    metrics,
    health,
    rawBodyPaths: manifest.streamingPaths ?? [],
    appApiToken: config.APP_API_TOKEN,
    readiness: () => [sidecarReadiness, ...service.readiness],
    routers: [daprAppRoutes(deliveryOptions, deliveries), ...service.routers, openApiRouter(documentsOf([service]))],
  });
  const listener = answerDaprDeliveries(
    deliveries,
    answerReadyReads(service.parts.readyReads ?? [], app.callback(), { service: manifest.name, log, metrics }),
    { service: manifest.name, log, metrics, appApiToken: config.APP_API_TOKEN, bodyLimitBytes: jsonBodyLimitBytes },
  );
  const server = await serve(listener, {
    host: config.HOST,
    port: config.APP_PORT,
    log,
    health,
    graceMs: config.SHUTDOWN_GRACE_MS,
    handleSignals: options.handleSignals ?? true,
    upgrade: routeUpgrades(
      service.parts.upgrade ? [{ paths: manifest.publicPaths, upgrade: service.parts.upgrade }] : [],
    ),
    drainers: [async () => service.parts.drain?.()],
    closers: [() => service.stop(), async () => tracing?.shutdown()],
  });
  await service.start();
  log.info({ port: server.port, sidecar: sidecarUrl }, `${manifest.name} listening`);
  return server;
}
