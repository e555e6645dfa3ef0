import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type Router from '@koa/router';
import type Joi from 'joi';
import type { Middleware } from 'koa';
import type { Registry } from 'prom-client';
import type { DataSource, EntitySchema } from 'typeorm';
import type { MigrationClass } from '../data/data-source';
import type { OutboxRelayOptions } from '../data/outbox-relay';
import type { JwtVerifier } from '../http/auth';
import type { ReadinessCheck } from '../http/health';
import type { ReadyRead } from '../http/ready-reads';
import type { SessionLookup } from '../http/session-check';
import type { Logger } from '../log/logger';
import type { Mesh, Subscription } from '../mesh/port';
import type { Job } from './service-runtime';

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
  /**
   * The service's own database. The kit opens it from the URL of the topology (`sqlite:` embedded, DATABASE_URL
   * beside a sidecar), adds its own outbox, inbox and idempotency tables, runs the migrations under a lock (so
   * replicas starting together run each once), checks it for /readyz, sweeps expired idempotency keys and closes
   * it last at shutdown. Setup finds it in `context.dataSource`. A service without a database declares none.
   */
  data?: ServiceData;
  /**
   * The service writes events to its outbox: the kit runs the relay that publishes them through the mesh,
   * tuned from the service's configuration when `tuning` is given.
   */
  outbox?: true | OutboxDeclaration<TConfig>;
  setup(context: ServiceContext<TConfig>): Promise<ServiceParts>;
}

export interface ServiceData {
  entities: EntitySchema[];
  /** The service's own; the kit's run first. */
  migrations: MigrationClass[];
  poolSize?: number;
}

export interface OutboxDeclaration<TConfig extends object = object> {
  tuning(config: TConfig): OutboxTuning;
}

export type OutboxTuning = Pick<OutboxRelayOptions, 'batchSize' | 'pollIntervalMs'>;

export interface ServiceContext<TConfig extends object = object> {
  name: string;
  config: TConfig;
  log: Logger;
  mesh: Mesh;
  /** The opened, migrated database the manifest declares in `data`; reading it without `data` is an error. */
  dataSource: DataSource;
  /** Where this service's database is (`sqlite:` embedded, DATABASE_URL beside a sidecar), for what derives from it. */
  databaseUrl: string;
  metrics: Registry;
  /** Verifies access tokens against the identity service's JWKS. */
  verifier: JwtVerifier;
  /** Reads the bearer token into ctx.state.caller; mount it before routes that need a caller. */
  authenticate: Middleware;
  /**
   * The platform's own origin (`http://127.0.0.1:<port>`) when every service is behind this process's one port
   * (the embedded topology), for a service that calls another's public surface the way an outside client would (the
   * notifications service: the hub's Azure SignalR REST API). A function: with PORT=0 the port is known only once
   * the server listens. Absent beside a sidecar, where other services are elsewhere.
   */
  origin?: () => string;
}

export interface ServiceParts {
  /** Public and internal (service-invocation) routes, with their full paths. */
  router: Router;
  /** The OpenAPI document of the public routes (ApiRoutes.openApi), served at /openapi/<name>.json. */
  openApi?: object;
  /**
   * A subscription on deadLetterTopicFor(name) receives its poison messages; otherwise the host adds its own, which
   * counts, logs and (with a database) stores them for the admin endpoints (host/dead-letters.ts).
   */
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
  /**
   * Background work (expiry sweeps, maintenance; the kit adds the outbox relay and the idempotency sweeper):
   * started in order after the server listens, stopped in reverse once requests drained, before the data closes.
   */
  jobs?: Job[];
  /** Closes what setup opened itself (caches, other connections), after the jobs stopped and before the data closes. */
  close?(): void | Promise<void>;
}

/** A Node http server's 'upgrade' listener. */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
