// The gateway as a process of its own (`node dist/gateway/main.js`, the `shop-gateway` image): the platform's
// origin in front of services that run elsewhere (their Kubernetes Services, docker-compose containers). It
// starts no service; it reads their names and public paths from the manifests and their addresses from
// UPSTREAM_<SERVICE> variables.
import { createProcessLogger, type Logger, routedPaths, runMain, type ServiceManifest, startTracing } from '@shop/kit';
import { devMailboxRoute, serveDevMailbox, startDevMailbox } from './dev-mailbox';
import type { GatewayRoute } from './gateway';
import { loadGatewayConfig } from './gateway-config';
import { type RunningGateway, serveGateway } from './serve-gateway';
import { services } from './services';
import { storefrontPages } from './storefront/storefront-router';

export interface GatewayMainOptions {
  env?: NodeJS.ProcessEnv;
  /** Exit on SIGTERM/SIGINT once shut down (the process entry); tests call shutdown() themselves. */
  handleSignals?: boolean;
  log?: Logger;
  /** The manifests whose public paths are routed; the platform's own by default. */
  manifests?: ServiceManifest[];
}

/** Routes to the services that have an upstream; a service without one is not fronted (disabled in the chart). */
export function gatewayRoutes(manifests: ServiceManifest[], upstreams: Record<string, string>): GatewayRoute[] {
  return manifests.flatMap((manifest) => {
    const target = upstreams[manifest.name];
    if (target === undefined) return [];
    return [
      {
        service: manifest.name,
        target,
        prefixes: routedPaths(manifest),
        streamingPaths: [...(manifest.streamingPaths ?? [])],
      },
    ];
  });
}

/** Reads the environment (a ConfigError names every bad variable) and serves the gateway. */
export async function runGateway(options: GatewayMainOptions = {}): Promise<RunningGateway> {
  const manifests = options.manifests ?? services;
  const config = loadGatewayConfig(
    manifests.map((manifest) => manifest.name),
    options.env ?? process.env,
  );
  // The platform's origin is where most traces start: its server span and the proxied call to the service.
  const tracing = startTracing('gateway', options.env ?? process.env);
  const log = options.log ?? createProcessLogger('gateway', config);
  const mailbox =
    config.DEV_MAILBOX_SMTP_PORT === undefined
      ? undefined
      : await serveDevMailbox(await startDevMailbox({ host: config.HOST, port: config.DEV_MAILBOX_SMTP_PORT }));
  const routes = gatewayRoutes(manifests, config.upstreams);
  const gateway = await serveGateway({
    pages: [await storefrontPages()],
    name: 'gateway',
    routes: mailbox ? [...routes, devMailboxRoute(mailbox)] : routes,
    host: config.HOST,
    port: config.PORT,
    operationsPort: config.OPERATIONS_PORT,
    log,
    graceMs: config.SHUTDOWN_GRACE_MS,
    unroutedPaths: config.INTERNAL_ONLY_PATHS,
    idleTimeoutMs: config.IDLE_TIMEOUT_MS,
    handleSignals: options.handleSignals ?? false,
    closers: [async () => tracing?.shutdown(), ...(mailbox ? [mailbox.close] : [])],
  });
  const unfronted = manifests.filter((manifest) => !(manifest.name in config.upstreams)).map((m) => m.name);
  log.info(
    {
      port: gateway.port,
      operationsPort: gateway.operationsPort,
      upstreams: config.upstreams,
      unfronted,
      internalOnly: config.INTERNAL_ONLY_PATHS,
      ...(mailbox ? { devMailboxSmtp: mailbox.smtpUrl } : {}),
    },
    'gateway listening',
  );
  return gateway;
}

if (require.main === module) runMain(() => runGateway({ handleSignals: true }));
