import type Router from '@koa/router';
import Joi from 'joi';
import type { Middleware } from 'koa';
import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { hostConfigSchema, loadConfig } from '../config/load-config';
import { observeData } from '../data/data-metrics';
import { openDataSource } from '../data/data-source';
import { authenticate, createJwtVerifier } from '../http/auth';
import type { ReadinessCheck } from '../http/health';
import { meshSessionLookup, SessionCheck, type SessionLookup } from '../http/session-check';
import type { Logger } from '../log/logger';
import type { Mesh, Subscription } from '../mesh/port';
import { deadLetterAdminRoutes } from './dead-letter-admin';
import { withDeadLetterHandling } from './dead-letters';
import type { ServiceContext, ServiceManifest, ServiceParts } from './service-manifest';
import { serviceRuntime } from './service-runtime';

export interface LoadedService {
  manifest: ServiceManifest;
  parts: ServiceParts;
  /** The service's routes and the kit's own for it (the dead-letter admin endpoints of a service with a database). */
  routers: Router[];
  /** The OpenAPI document of the service's public routes and the kit's, when there are any. */
  openApi?: object;
  subscriptions: Subscription[];
  readiness: ReadinessCheck[];
  /** Starts the relay and the jobs; the host calls it once the server listens. */
  start(): Promise<void>;
  /**
   * The service's part of the ordered shutdown, after the server stopped taking requests and they drained:
   * jobs and relay, what setup opened, the database, the verifier's JWKS refresh.
   */
  stop(): Promise<void>;
}

export interface ServiceEnvironment {
  env: NodeJS.ProcessEnv;
  log: Logger;
  mesh: Mesh;
  metrics: Registry;
  databaseUrl: string;
  jwks: { uri: string | (() => string); issuer: string; audience: string };
  /** How long an answer of identity's that a login is live is trusted (SESSION_CHECK_SECONDS). */
  sessionCheckSeconds: number;
  /** The platform's own origin, when every service is behind the host's one port (the embedded topology). */
  origin?: () => string;
}

/** Validates a service's own configuration and runs its setup: the same steps in both topologies. */
export async function loadService(manifest: ServiceManifest, environment: ServiceEnvironment): Promise<LoadedService> {
  const log = environment.log.child({ service: manifest.name });
  if (manifest.outbox && !manifest.data) {
    throw new Error(`service ${manifest.name} declares an outbox but no data: the outbox is a table of its database`);
  }
  const config = manifest.config ? loadConfig(manifest.config, environment.env) : {};
  // Identity answers its own session checks (ServiceParts.sessionAuthority); every other service asks it.
  const askIdentity = meshSessionLookup(environment.mesh);
  let ownAnswers: SessionLookup | undefined;
  const { IDEMPOTENCY_TTL_HOURS, SLOW_QUERY_MS } = loadConfig(
    Joi.object({
      IDEMPOTENCY_TTL_HOURS: hostConfigSchema.IDEMPOTENCY_TTL_HOURS,
      SLOW_QUERY_MS: hostConfigSchema.SLOW_QUERY_MS,
    }),
    environment.env,
  );
  const verifier = createJwtVerifier({
    jwksUri: environment.jwks.uri,
    issuer: environment.jwks.issuer,
    audience: environment.jwks.audience,
    sessions: new SessionCheck({
      lookup: (sessionId) => (ownAnswers ?? askIdentity)(sessionId),
      freshSeconds: environment.sessionCheckSeconds,
    }),
  });
  const authenticateMiddleware: Middleware = authenticate(verifier);
  let dataSource: DataSource | undefined;
  let stopDataMetrics: (() => void) | undefined;
  let parts: ServiceParts;
  try {
    dataSource = manifest.data
      ? await openDataSource(environment.databaseUrl, {
          ...manifest.data,
          logger: log,
          idempotencyTtlHours: IDEMPOTENCY_TTL_HOURS,
          slowQueryMs: SLOW_QUERY_MS,
          lockName: manifest.name,
        })
      : undefined;
    stopDataMetrics = dataSource
      ? observeData(dataSource, { registry: environment.metrics, service: manifest.name, slowQueryMs: SLOW_QUERY_MS })
      : undefined;
    parts = await manifest.setup(
      withData(
        {
          name: manifest.name,
          config,
          log,
          mesh: environment.mesh,
          databaseUrl: environment.databaseUrl,
          metrics: environment.metrics,
          verifier,
          authenticate: authenticateMiddleware,
          ...(environment.origin ? { origin: environment.origin } : {}),
        },
        dataSource,
      ),
    );
  } catch (error) {
    verifier.close();
    stopDataMetrics?.();
    await dataSource?.destroy();
    throw error;
  }
  ownAnswers = parts.sessionAuthority;
  const tuning = manifest.outbox && manifest.outbox !== true ? manifest.outbox.tuning(config) : {};
  const runtime = serviceRuntime({
    log,
    ...(dataSource ? { dataSource } : {}),
    ...(manifest.outbox
      ? {
          outbox: {
            publish: (topic, event) => environment.mesh.publish(topic, event),
            ...(environment.mesh.publishBulk ? { publishBulk: environment.mesh.publishBulk } : {}),
            ...tuning,
          },
        }
      : {}),
    ...(parts.jobs ? { jobs: parts.jobs } : {}),
    ...(parts.readiness ? { readiness: parts.readiness } : {}),
    ...(parts.close ? { close: () => parts.close?.() } : {}),
  });
  const deadLetters = withDeadLetterHandling({
    service: manifest.name,
    subscriptions: parts.subscriptions ?? [],
    log,
    metrics: environment.metrics,
    ...(dataSource ? { dataSource } : {}),
  });
  const admin = deadLetters.replayer
    ? deadLetterAdminRoutes(manifest.name, deadLetters.replayer, authenticateMiddleware)
    : undefined;
  const openApi = withKitOperations(
    manifest.name,
    parts.openApi,
    admin?.openApi({ title: manifest.name, version: '1' }),
  );
  return {
    manifest,
    parts,
    routers: [parts.router, ...(admin ? [admin.router] : [])],
    ...(openApi ? { openApi } : {}),
    subscriptions: deadLetters.subscriptions,
    readiness: runtime.readiness.map((check) => ({ ...check, name: `${manifest.name}.${check.name}` })),
    start: () => runtime.start(),
    async stop() {
      stopDataMetrics?.();
      await runtime.stop();
      verifier.close();
    },
  };
}

/**
 * The context with `dataSource` as the manifest declared it: there, or an error naming the missing declaration
 * when read. The error is not enumerable, so a copy of the context (`{ ...context, mesh }`) does not trip it.
 */
function withData(context: Omit<ServiceContext, 'dataSource'>, dataSource: DataSource | undefined): ServiceContext {
  if (dataSource) return { ...context, dataSource };
  return Object.defineProperty(context, 'dataSource', {
    enumerable: false,
    get() {
      throw new Error(`service ${context.name} uses a database but its manifest declares no data`);
    },
  }) as ServiceContext;
}

/** The service's OpenAPI document with the kit's operations for it added (a document of their own when it has none). */
function withKitOperations(service: string, own: object | undefined, kit: object | undefined): object | undefined {
  if (!kit) return own;
  const kitPaths = (kit as { paths: object }).paths;
  if (!own) return { ...kit, info: { title: `${service} (the kit's admin endpoints)`, version: '1' } };
  const document = own as { paths?: object };
  return { ...document, paths: { ...document.paths, ...kitPaths } };
}

/** The OpenAPI documents of the services that have one. */
export function documentsOf(services: LoadedService[]): Array<{ service: string; document: object }> {
  return services.flatMap((service) =>
    service.openApi ? [{ service: service.manifest.name, document: service.openApi }] : [],
  );
}
