import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  createHttpApp,
  type HealthState,
  type Logger,
  ownsPath,
  problem,
  type ReadinessCheck,
  swaggerUiRouter,
  traceparentOf,
} from '@shop/kit';
import { createProxyServer } from 'http-proxy-3';
import type Koa from 'koa';
import type { Registry } from 'prom-client';

/** One upstream service and the path prefixes it owns. */
export interface GatewayRoute {
  service: string;
  /** Base URL of the service process, e.g. http://127.0.0.1:3001. */
  target: string;
  prefixes: string[];
}

export interface GatewayOptions {
  routes: GatewayRoute[];
  log: Logger;
  metrics: Registry;
  health: HealthState;
}

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
 * The Dapr topology's single origin, doing what the Ingress does in Kubernetes: it sends each public
 * path to the service that owns it (HTTP and WebSocket upgrades alike), keeping the request id and
 * trace, and answers the operations endpoints for the whole platform.
 */
export function createGateway(options: GatewayOptions): { app: Koa; attach(server: Server): void } {
  const proxy = createProxyServer({ xfwd: true, proxyTimeout: 30_000, timeout: 30_000 });

  const upstreamReadiness: ReadinessCheck[] = options.routes.map((route) => ({
    name: route.service,
    async check() {
      const res = await fetch(`${route.target}/readyz`);
      if (res.status !== 200) throw new Error(`readyz answered ${res.status}`);
    },
  }));

  const app = createHttpApp({
    name: 'edge',
    log: options.log,
    metrics: options.metrics,
    health: options.health,
    readiness: () => upstreamReadiness,
    routers: [swaggerUiRouter(() => options.routes.map((route) => route.service))],
    parseBodies: false,
  });
  app.use(async (ctx, next) => {
    const route = routeFor(options.routes, ctx.path);
    if (!route) return next();
    ctx.req.headers['x-request-id'] = ctx.state.requestId;
    ctx.req.headers.traceparent = traceparentOf(ctx.state.trace);
    await new Promise<void>((resolve, reject) => {
      ctx.res.once('finish', resolve);
      ctx.res.once('close', resolve);
      proxy.web(ctx.req, ctx.res, { target: route.target }, (error) => {
        if (ctx.res.headersSent) {
          ctx.res.destroy(error);
          resolve();
        } else {
          reject(problem(502, 'Bad Gateway', { detail: `${route.service} did not answer` }));
        }
      });
    });
    ctx.respond = false;
  });

  return {
    app,
    attach(server) {
      server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
        const route = routeFor(options.routes, new URL(req.url ?? '/', 'http://edge').pathname);
        if (!route) {
          socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
          return;
        }
        proxy.ws(req, socket, head, { target: route.target }, () => socket.destroy());
      });
    },
  };
}
