import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type Router from '@koa/router';
import type Joi from 'joi';
import type { Middleware } from 'koa';
import type { Registry } from 'prom-client';
import type { JwtVerifier } from '../http/auth';
import type { ReadinessCheck } from '../http/health';
import type { ReadyRead } from '../http/ready-reads';
import type { SessionLookup } from '../http/session-check';
import type { Logger } from '../log/logger';
import type { Mesh, Subscription } from '../mesh/port';

/**
 * What a service is, declared once; both topologies host it from this: the embedded edge (all
 * services in one process) and the Dapr topology (one process and one sidecar per service).
 */
export interface ServiceManifest<TConfig extends object = object> {
  /** The Dapr app id, also the name in logs, metrics and /openapi/<name>.json. */
  name: string;
  /** Path prefixes the edge sends to this service, e.g. ['/api/products', '/api/categories']. */
  publicPaths: string[];
  /**
   * Path prefixes (within publicPaths) whose requests are long-lived streams the service reads and writes itself:
   * WebSocket upgrades, server-sent events, long polls and their raw POSTs. The host parses no body there, and
   * proxies in front (the gateway, the Ingress) must not end them for being idle.
   */
  streamingPaths?: string[];
  /** Service-specific environment variables, validated at start together with the host's. */
  config?: Joi.ObjectSchema<TConfig>;
  setup(context: ServiceContext<TConfig>): Promise<ServiceParts>;
}

export interface ServiceContext<TConfig extends object = object> {
  name: string;
  config: TConfig;
  log: Logger;
  mesh: Mesh;
  /** This service's own database: `sqlite:` in the embedded topology, DATABASE_URL beside a sidecar. */
  databaseUrl: string;
  /** IDEMPOTENCY_TTL_HOURS: give it to createDataSource; records older than this are as if absent and are swept. */
  idempotencyTtlHours: number;
  metrics: Registry;
  /** Verifies access tokens against the identity service's JWKS. */
  verifier: JwtVerifier;
  /** Reads the bearer token into ctx.state.caller; mount it before routes that need a caller. */
  authenticate: Middleware;
}

export interface ServiceParts {
  /** Public and internal (service-invocation) routes, with their full paths. */
  router: Router;
  /** The OpenAPI document of the public routes (ApiRoutes.openApi), served at /openapi/<name>.json. */
  openApi?: object;
  /** A subscription on deadLetterTopicFor(name) receives its poison messages; the host adds a logging one otherwise. */
  subscriptions?: Subscription[];
  readiness?: ReadinessCheck[];
  /** Public GETs the host answers ahead of the Koa pipeline when their answer is ready-made (see ReadyRead). */
  readyReads?: ReadyRead[];
  /**
   * Set by the service that keeps the logins (identity): its verifier asks this instead of invoking itself
   * through the mesh (`GET /internal/sessions/:sid`, which it serves to the others).
   */
  sessionAuthority?: SessionLookup;
  /** Takes the WebSocket upgrade requests for paths under the manifest's publicPaths; others are refused with 404. */
  upgrade?: UpgradeHandler;
  /**
   * Runs as shutdown begins, before in-flight requests drain: ends long-lived connections (telling clients to
   * reconnect), which would otherwise hold the shutdown for the whole grace period and then be cut.
   */
  drain?(): Promise<void> | void;
  /** Background work (relays, expiry sweeps); started after the server listens. */
  start?(): Promise<void>;
  /** Stops background work and closes connections, after the server stopped taking requests. */
  stop?(): Promise<void>;
}

/** A Node http server's 'upgrade' listener. */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
