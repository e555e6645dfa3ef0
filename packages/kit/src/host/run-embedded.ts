import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type Router from '@koa/router';
import type { Middleware } from 'koa';
import { assertConfiguration, loadConfig } from '../config/load-config';
import { openApiRouter, swaggerUiRouter } from '../http/api-docs';
import type { HealthState } from '../http/health';
import { createMetricsRegistry } from '../http/metrics';
import { answerReadyReads } from '../http/ready-reads';
import { createProcessLogger, type Logger } from '../log/logger';
import { type LogFormat, resolveLogFormat } from '../log/pretty-format';
import { EmbeddedBus } from '../mesh/embedded';
import type { Mesh } from '../mesh/port';
import { startTracing } from '../tracing/start-tracing';
import { inKitSpan, SpanKind, tracingStarted } from '../tracing/tracing';
import { routedPaths } from './dead-letter-admin';
import { type EmbeddedConfig, embeddedConfigSchema } from './host-config';
import { createHttpApp, ownsPath } from './http-app';
import { documentsOf, type LoadedService, loadService } from './load-service';
import { type RunningServer, routeUpgrades, serve } from './serve';
import type { ServiceManifest } from './service-manifest';

/** The one app in front of every service, as it appears in logs and metrics. */
const edgeName = 'edge';

export interface EmbeddedOptions {
  env?: NodeJS.ProcessEnv;
  /** Exit on SIGTERM/SIGINT after shutting down (mains); tests call shutdown() themselves. */
  handleSignals?: boolean;
  log?: Logger;
  /**
   * Wraps the mesh each service is given, for its setup and the kit's relay alike: tests record through it what
   * each service publishes.
   */
  wrapMesh?(service: string, mesh: Mesh): Mesh;
  /** Pages the origin serves itself, beside the services (the storefront). */
  pages?: OriginPages[];
}

/** Pages the one origin serves itself rather than a service: no data, no mesh, only files for browsers. */
export interface OriginPages {
  router: Router;
  /** Path prefixes it answers (whole segments), e.g. `/storefront` for its script and style. */
  prefixes: string[];
  /** Paths it answers exactly: `/`, which as a prefix would own every path. */
  exactPaths: string[];
}

export interface EmbeddedPlatform extends RunningServer {
  url: string;
  bus: EmbeddedBus;
  log: Logger;
  /** SHOP_DATA_DIR, resolved: the services' SQLite files and the state store are here. */
  dataDir: string;
  /** How the platform's own logger writes (resolveLogFormat); undefined when the caller gave the logger. */
  logFormat?: LogFormat;
}

/**
 * The embedded topology (`npm start`): every service in one process behind one port, the in-process
 * mesh, a SQLite database per service under SHOP_DATA_DIR. Needs nothing but Node.
 */
export async function runEmbedded(
  manifests: ServiceManifest[],
  options: EmbeddedOptions = {},
): Promise<EmbeddedPlatform> {
  const env = options.env ?? process.env;
  assertConfiguration([embeddedConfigSchema, ...manifests.map((manifest) => manifest.config)], env);
  const config = loadConfig<EmbeddedConfig>(embeddedConfigSchema, env);
  // Before any service loads; one resource (service.name "edge") for the process, each service's work named below.
  const tracing = startTracing(edgeName, env);
  const log = options.log ?? createProcessLogger('shop', config);
  const logFormat = options.log === undefined ? resolveLogFormat(config, process.stdout) : undefined;
  const dataDir = resolve(config.SHOP_DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const metrics = createMetricsRegistry();
  const bus = new EmbeddedBus({
    logger: log.child({ component: 'mesh' }),
    stateFile: resolve(dataDir, 'state.sqlite'),
  });
  const health: HealthState = { accepting: true };
  // With PORT=0 (tests) the port is known only once the server listens; verifiers read the URL at first use.
  let listeningPort = config.PORT;
  const jwksUri = () => config.JWKS_URL ?? `http://127.0.0.1:${listeningPort}/api/auth/jwks`;

  const loaded: LoadedService[] = [];
  for (const manifest of manifests) {
    const service = await loadService(manifest, {
      env,
      log,
      mesh: options.wrapMesh ? options.wrapMesh(manifest.name, bus.meshFor(manifest.name)) : bus.meshFor(manifest.name),
      metrics,
      databaseUrl: `sqlite:${resolve(dataDir, `${manifest.name}.sqlite`)}`,
      jwks: { uri: jwksUri, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE },
      sessionCheckSeconds: config.SESSION_CHECK_SECONDS,
      origin: () => `http://127.0.0.1:${listeningPort}`,
    });
    // Service invocation reaches the service's own app, as it would through its sidecar.
    const own = createHttpApp({
      name: manifest.name,
      log,
      metrics,
      health,
      rawBodyPaths: manifest.streamingPaths ?? [],
      readiness: () => service.readiness,
      routers: service.routers,
    });
    bus.register(manifest.name, { listener: own.callback(), subscriptions: service.subscriptions });
    loaded.push(service);
  }

  const pages = options.pages ?? [];
  const app = createHttpApp({
    name: edgeName,
    publicPaths: [...manifests.flatMap(routedPaths), '/openapi', '/docs', ...pages.flatMap((page) => page.prefixes)],
    publicExactPaths: pages.flatMap((page) => page.exactPaths),
    log,
    metrics,
    health,
    rawBodyPaths: manifests.flatMap((manifest) => manifest.streamingPaths ?? []),
    readiness: () => loaded.flatMap((service) => service.readiness),
    beforeRoutes: tracingStarted() ? [serviceSpans(manifests)] : [],
    routers: [
      ...loaded.flatMap((service) => service.routers),
      openApiRouter(documentsOf(loaded)),
      swaggerUiRouter(() => documentsOf(loaded).map((d) => d.service)),
      ...pages.map((page) => page.router),
    ],
  });
  const listener = answerReadyReads(
    loaded.flatMap((service) => service.parts.readyReads ?? []),
    app.callback(),
    { service: edgeName, log, metrics },
  );
  const server = await serve(listener, {
    host: config.HOST,
    port: config.PORT,
    log,
    health,
    graceMs: config.SHUTDOWN_GRACE_MS,
    handleSignals: options.handleSignals ?? false,
    upgrade: routeUpgrades(
      loaded.flatMap((service) =>
        service.parts.upgrade ? [{ paths: service.manifest.publicPaths, upgrade: service.parts.upgrade }] : [],
      ),
    ),
    drainers: loaded.map((service) => async () => service.parts.drain?.()),
    closers: [
      ...[...loaded].reverse().map((service) => () => service.stop()),
      () => bus.close(),
      async () => tracing?.shutdown(),
    ],
  });
  listeningPort = server.port;
  for (const service of loaded) await service.start();
  const url = `http://127.0.0.1:${server.port}`;
  log.info({ url, services: manifests.map((m) => m.name), dataDir }, 'shop platform listening (embedded topology)');
  return { ...server, url, bus, log, dataDir, ...(logFormat ? { logFormat } : {}) };
}

/** The service whose public path prefix owning `path` is the longest (the most specific, as the gateway picks). */
function ownerOf(manifests: ServiceManifest[], path: string): ServiceManifest | undefined {
  let best: { manifest: ServiceManifest; length: number } | undefined;
  for (const manifest of manifests) {
    for (const prefix of routedPaths(manifest)) {
      if (ownsPath(prefix, path) && (!best || prefix.length > best.length)) best = { manifest, length: prefix.length };
    }
  }
  return best?.manifest;
}

/**
 * One process hosts every service, so the resource cannot say which one did the work: a public request runs in a
 * span of the service whose public paths it is under (`shop.service`), as invocations and deliveries do on the bus.
 */
function serviceSpans(manifests: ServiceManifest[]): Middleware {
  return (ctx, next) => {
    const owner = ownerOf(manifests, ctx.path);
    if (!owner) return next();
    return inKitSpan(
      `${owner.name} ${ctx.method}`,
      { service: owner.name, kind: SpanKind.SERVER, attributes: { 'url.path': ctx.path } },
      async (span) => {
        await next();
        const route = (ctx as { _matchedRoute?: unknown })._matchedRoute;
        if (typeof route === 'string') {
          span?.updateName(`${owner.name} ${ctx.method} ${route}`);
          span?.setAttribute('http.route', route);
        }
        span?.setAttribute('http.response.status_code', ctx.status);
      },
    );
  };
}
