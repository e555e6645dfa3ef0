import type { Server } from 'node:http';
import {
  createHttpApp,
  createMetricsRegistry,
  type HealthState,
  type Logger,
  type OriginPages,
  type RunningServer,
  serve,
} from '@shop/kit';
import { createGateway, type GatewayRoute } from './gateway';

export interface GatewayServerOptions {
  routes: GatewayRoute[];
  host: string;
  port: number;
  /**
   * A second port for the gateway's own /healthz, /readyz (ready while it accepts requests, whatever the services
   * do) and /metrics, which then leaves the public port. Without it everything is on `port`, as the local origin.
   */
  operationsPort?: number;
  log: Logger;
  graceMs: number;
  /** The name in logs and metrics. */
  name?: string;
  unroutedPaths?: string[];
  idleTimeoutMs?: number;
  /** Pages the gateway serves itself (the storefront). */
  pages?: OriginPages[];
  /** Run after the gateway stopped taking requests, e.g. the processes behind it. */
  closers?: Array<() => Promise<void>>;
  handleSignals: boolean;
}

export interface RunningGateway {
  server: Server;
  port: number;
  url: string;
  /** Set when the operations endpoints have their own port. */
  operationsPort?: number;
  shutdown(): Promise<void>;
}

/**
 * Serves the gateway: the one way both `npm run start:dapr` and the deployable gateway process
 * (gateway-main.ts) build it. On SIGTERM it stops taking requests, lets the proxied ones finish within
 * graceMs, then stops the operations port and runs the closers.
 */
export async function serveGateway(options: GatewayServerOptions): Promise<RunningGateway> {
  const name = options.name ?? 'edge';
  const health: HealthState = { accepting: true };
  const metrics = createMetricsRegistry({ service: name });
  const separateOperations = options.operationsPort !== undefined;
  const gateway = createGateway({
    routes: options.routes,
    log: options.log,
    metrics,
    health,
    name,
    unroutedPaths: options.unroutedPaths,
    idleTimeoutMs: options.idleTimeoutMs,
    pages: options.pages,
    servesMetrics: !separateOperations,
  });

  let operations: RunningServer | undefined;
  if (options.operationsPort !== undefined) {
    // No readiness checks of its own: a service being down must not take the gateway out of its Service, or
    // /docs and the problem answers for unknown paths would go with it. Shutting down still makes it unready.
    const log = options.log.child({ listener: 'operations' });
    const app = createHttpApp({ name, log, metrics, health, readiness: () => [], routers: [] });
    operations = await serve(app, {
      host: options.host,
      port: options.operationsPort,
      log,
      health,
      graceMs: 1_000,
      closers: [],
      handleSignals: false,
    });
  }
  const stopOperations = async () => operations?.shutdown();
  try {
    const server = await serve(gateway.app, {
      host: options.host,
      port: options.port,
      log: options.log,
      health,
      graceMs: options.graceMs,
      upgrade: gateway.upgrade,
      closers: [stopOperations, ...(options.closers ?? [])],
      handleSignals: options.handleSignals,
    });
    return {
      server: server.server,
      port: server.port,
      url: `http://${options.host}:${server.port}`,
      operationsPort: operations?.port,
      shutdown: server.shutdown,
    };
  } catch (error) {
    await stopOperations();
    throw error;
  }
}
