import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { type Duplex, Readable } from 'node:stream';
import {
  createHttpApp,
  type HealthState,
  jsonBodyLimitBytes,
  type Logger,
  type OriginPages,
  ownsPath,
  problem,
  type ReadinessCheck,
  refuseUpgrade,
  swaggerUiRouter,
  traceparentOf,
  type UpgradeHandler,
  upgradePath,
} from '@shop/kit';
import { createProxyServer } from 'http-proxy-3';
import type Koa from 'koa';
import type { Context } from 'koa';
import type { Registry } from 'prom-client';
import getRawBody from 'raw-body';

/** One upstream service and the path prefixes it owns. */
export interface GatewayRoute {
  service: string;
  /** Base URL of the service process, e.g. http://127.0.0.1:3001. */
  target: string;
  prefixes: string[];
  /** Prefixes of long-lived requests (server-sent events, long polls): never cut for being idle. */
  streamingPaths?: string[];
}

export interface GatewayOptions {
  routes: GatewayRoute[];
  log: Logger;
  metrics: Registry;
  health: HealthState;
  /** An ordinary request that sends or receives nothing for this long is ended (502 when nothing was answered yet). */
  idleTimeoutMs?: number;
  /** The name in logs and metrics: `edge` (the local origin) unless told. */
  name?: string;
  /**
   * Path prefixes never sent to any service, whichever owns them (HTTP and upgrades): 404 here. In Kubernetes
   * the hub's Azure SignalR REST API is served by the hub but must stay inside the cluster.
   */
  unroutedPaths?: string[];
  /**
   * False when this app is what the Ingress sends every unmatched path to: /metrics is then 404 here and is
   * served on the gateway's operations port instead, which only Prometheus reaches.
   */
  servesMetrics?: boolean;
  /**
   * Largest request body forwarded on ordinary paths (streaming ones pass unread): larger is 413 here, every time,
   * rather than a 502 when the service refuses the body while the proxy is still sending it. The services' own limit.
   */
  maxBodyBytes?: number;
  /** Pages the gateway serves itself on paths no service owns (the storefront at `/`). */
  pages?: OriginPages[];
}

/** How long a readiness check waits for an upstream's /readyz (the kit gives every check 2 s). */
const upstreamReadyTimeoutMs = 1_900;

export function routeFor(routes: GatewayRoute[], path: string): GatewayRoute | undefined {
  let best: { route: GatewayRoute; length: number } | undefined;
  for (const route of routes) {
    for (const prefix of [...route.prefixes, `/openapi/${route.service}.json`]) {
      if (ownsPath(prefix, path) && (!best || prefix.length > best.length)) best = { route, length: prefix.length };
    }
  }
  return best?.route;
}

/**
 * The single origin in front of the services' own processes (`npm run start:dapr`; in Kubernetes behind the
 * Ingress, see gateway-main.ts): it sends each public path to the service that owns it (HTTP and WebSocket
 * upgrades alike), keeping the request id and trace, and answers the operations endpoints, /docs and the 404s
 * for the whole platform.
 */
export function createGateway(options: GatewayOptions): {
  app: Koa;
  upgrade: UpgradeHandler;
  attach(server: Server): void;
} {
  const idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
  const maxBodyBytes = options.maxBodyBytes ?? jsonBodyLimitBytes;
  // Only the upstream's silence is timed: a client waiting for its answer is not idle, and cutting its socket would
  // leave it with no answer at all (a request the service is still working on gets 504 instead).
  const proxy = createProxyServer({ xfwd: true, proxyTimeout: idleTimeoutMs });
  // The proxy re-emits a client socket's failure (a reset, a half-closed upgrade) as its own 'error'; unhandled, that
  // ends the process and every other connection with it. Each failure ends only its own connection.
  proxy.on('error', (error: Error, _req: IncomingMessage, res: ServerResponse | Duplex) => {
    options.log.debug({ err: error }, 'proxied connection failed');
    if (!res.destroyed) res.destroy();
  });
  proxy.on('econnreset', (error: Error) => options.log.debug({ err: error }, 'client reset a proxied request'));

  const unroutedPaths = options.unroutedPaths ?? [];
  const ownerOf = (path: string) =>
    unroutedPaths.some((prefix) => ownsPath(prefix, path)) ? undefined : routeFor(options.routes, path);

  const upstreamReadiness: ReadinessCheck[] = options.routes.map((route) => ({
    name: route.service,
    async check() {
      // Aborted rather than left running: a hung upstream would otherwise hold a socket per probe.
      const res = await fetch(`${route.target}/readyz`, { signal: AbortSignal.timeout(upstreamReadyTimeoutMs) }).catch(
        (error: Error & { cause?: { code?: string } }) => {
          throw new Error(
            error.name === 'TimeoutError'
              ? `no answer within ${upstreamReadyTimeoutMs} ms`
              : `unreachable: ${error.cause?.code ?? error.message}`,
          );
        },
      );
      await res.body?.cancel();
      if (res.status !== 200) throw new Error(`readyz answered ${res.status}`);
    },
  }));

  const app = createHttpApp({
    name: options.name ?? 'edge',
    log: options.log,
    metrics: options.metrics,
    health: options.health,
    readiness: () => upstreamReadiness,
    routers: [
      swaggerUiRouter(() => options.routes.map((route) => route.service)),
      ...(options.pages ?? []).map((page) => page.router),
    ],
    parseBodies: false,
    servesMetrics: options.servesMetrics,
  });
  app.use(async (ctx, next) => {
    const route = ownerOf(ctx.path);
    if (!route) return next();
    ctx.req.headers['x-request-id'] = ctx.state.requestId;
    ctx.req.headers.traceparent = traceparentOf(ctx.state.trace);
    const streaming = route.streamingPaths?.some((prefix) => ownsPath(prefix, ctx.path)) ?? false;
    const buffer = streaming ? undefined : await boundedBody(ctx, maxBodyBytes);
    await new Promise<void>((resolve, reject) => {
      ctx.res.once('finish', resolve);
      ctx.res.once('close', resolve);
      // A long poll waits up to 90 s for data and an event stream may be quiet between keep-alives: no idle cut.
      const timeouts = streaming ? { proxyTimeout: 0 } : {};
      const startedAt = Date.now();
      proxy.web(ctx.req, ctx.res, { target: route.target, ...timeouts, ...(buffer ? { buffer } : {}) }, (error) => {
        if (ctx.res.headersSent) {
          ctx.res.destroy(error);
          resolve();
        } else if (!streaming && Date.now() - startedAt >= idleTimeoutMs) {
          // The proxy ends an upstream request silent for the idle timeout as a hang-up: told apart by the time.
          reject(
            problem(504, 'Gateway Timeout', {
              detail: `${route.service} did not answer within ${idleTimeoutMs} ms`,
              headers: { 'Retry-After': '1' },
            }),
          );
        } else {
          reject(problem(502, 'Bad Gateway', { detail: `${route.service} did not answer` }));
        }
      });
    });
    ctx.respond = false;
  });

  const upgrade: UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = upgradePath(req, socket);
    if (path === undefined) return;
    const route = ownerOf(path);
    if (!route) {
      refuseUpgrade(req, socket);
      return;
    }
    proxy.ws(req, socket, head, { target: route.target }, (error: Error) => {
      options.log.debug({ err: error }, 'proxied upgrade failed');
      socket.destroy();
    });
  };

  return {
    app,
    upgrade,
    attach(server) {
      server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
        socket.on('error', () => socket.destroy());
        upgrade(req, socket, head);
      });
    },
  };
}

/**
 * Holds an ordinary request to the body limit before anything is forwarded: a declared length over it is 413 at once;
 * a chunked body is read here up to the limit (413 past it) and forwarded with its length. Undefined: stream it on.
 */
async function boundedBody(ctx: Context, maxBodyBytes: number): Promise<Readable | undefined> {
  const declared = ctx.get('content-length');
  if (declared !== '') {
    if (Number(declared) > maxBodyBytes) throw tooLarge(maxBodyBytes);
    return undefined;
  }
  if (ctx.get('transfer-encoding') === '') return undefined;
  let body: Buffer;
  try {
    body = await getRawBody(ctx.req, { limit: maxBodyBytes });
  } catch (error) {
    if ((error as { type?: string }).type === 'entity.too.large') throw tooLarge(maxBodyBytes);
    throw problem(400, 'Bad Request', { detail: 'The request body could not be read' });
  }
  delete ctx.req.headers['transfer-encoding'];
  ctx.req.headers['content-length'] = String(body.length);
  return Readable.from([body]);
}

// No `Connection: close`: Node would close with the rest of the body unread, and the reset that follows can destroy
// this answer before the client reads it. The host reads and drops the rest instead (serve's drainUnreadBodies).
function tooLarge(maxBodyBytes: number) {
  return problem(413, 'Content Too Large', { detail: `The request body is larger than ${maxBodyBytes} bytes` });
}
