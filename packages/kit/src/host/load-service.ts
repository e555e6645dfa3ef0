import Joi from 'joi';
import type { Middleware } from 'koa';
import type { Registry } from 'prom-client';
import { hostConfigSchema, loadConfig } from '../config/load-config';
import { authenticate, createJwtVerifier } from '../http/auth';
import type { ReadinessCheck } from '../http/health';
import { meshSessionLookup, SessionCheck, type SessionLookup } from '../http/session-check';
import type { Logger } from '../log/logger';
import type { Mesh, Subscription } from '../mesh/port';
import { withDeadLetterHandler } from './dead-letters';
import type { ServiceManifest, ServiceParts } from './service-manifest';

export interface LoadedService {
  manifest: ServiceManifest;
  parts: ServiceParts;
  subscriptions: Subscription[];
  readiness: ReadinessCheck[];
  /** Stops the verifier's scheduled JWKS refresh; the host calls it at shutdown. */
  close(): void;
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
}

/** Validates a service's own configuration and runs its setup: the same steps in both topologies. */
export async function loadService(manifest: ServiceManifest, environment: ServiceEnvironment): Promise<LoadedService> {
  const log = environment.log.child({ service: manifest.name });
  const config = manifest.config ? loadConfig(manifest.config, environment.env) : {};
  // Identity answers its own session checks (ServiceParts.sessionAuthority); every other service asks it.
  const askIdentity = meshSessionLookup(environment.mesh);
  let ownAnswers: SessionLookup | undefined;
  const { IDEMPOTENCY_TTL_HOURS } = loadConfig(
    Joi.object({ IDEMPOTENCY_TTL_HOURS: hostConfigSchema.IDEMPOTENCY_TTL_HOURS }),
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
  const parts = await manifest.setup({
    name: manifest.name,
    config,
    log,
    mesh: environment.mesh,
    databaseUrl: environment.databaseUrl,
    idempotencyTtlHours: IDEMPOTENCY_TTL_HOURS,
    metrics: environment.metrics,
    verifier,
    authenticate: authenticateMiddleware,
  });
  ownAnswers = parts.sessionAuthority;
  return {
    manifest,
    parts,
    subscriptions: withDeadLetterHandler(manifest.name, parts.subscriptions ?? [], log, environment.metrics),
    readiness: (parts.readiness ?? []).map((check) => ({ ...check, name: `${manifest.name}.${check.name}` })),
    close: () => verifier.close(),
  };
}

/** The OpenAPI documents of the services that declare one. */
export function documentsOf(services: LoadedService[]): Array<{ service: string; document: object }> {
  return services.flatMap((service) =>
    service.parts.openApi ? [{ service: service.manifest.name, document: service.parts.openApi }] : [],
  );
}
