import { bodyParser } from '@koa/bodyparser';
import type Router from '@koa/router';
import Koa, { type Middleware } from 'koa';
import type { Registry } from 'prom-client';
import { type HealthState, operationsRouter, type ReadinessCheck } from '../http/health';
import { httpMetrics } from '../http/metrics';
import { problem } from '../http/problem';
import { problemResponder } from '../http/problem-responder';
import { requestContext } from '../http/request-context';
import { checkRequestTarget } from '../http/request-target';
import type { Logger } from '../log/logger';
import { requireAppApiToken } from './app-api-token';
import { routeDispatch } from './route-dispatch';

export interface HttpAppOptions {
  name: string;
  log: Logger;
  metrics: Registry;
  health: HealthState;
  readiness: () => ReadinessCheck[];
  routers: Router[];
  /** Largest JSON body accepted; larger ones are 413. */
  jsonLimit?: string | number;
  /** False where /metrics must not be answered (a public port; Prometheus scrapes another one). */
  servesMetrics?: boolean;
  /** False for a proxy, which must pass request bodies on unread. */
  parseBodies?: boolean;
  /** Path prefixes whose request bodies the routes read themselves (raw protocol bytes, streams). */
  rawBodyPaths?: string[];
  /**
   * When set, only paths under these prefixes (whole segments) and the operations endpoints are served; the
   * rest is 404. The embedded edge sets the services' public paths, so internal routes stay internal, as
   * behind the gateway and the Ingress.
   */
  publicPaths?: string[];
  /** Served besides publicPaths, as exact paths: a page at `/`, which as a prefix would own every path. */
  publicExactPaths?: string[];
  /**
   * When set, /dapr/* and /internal/* answer only requests carrying this token in the dapr-api-token header
   * (what daprd sends with env APP_API_TOKEN); checked before any body is read.
   */
  appApiToken?: string;
  /** Runs right before the routes (the embedded edge names each service's share of a request with it). */
  beforeRoutes?: Middleware[];
}

const operationsPaths = ['/healthz', '/readyz', '/metrics'];

/** The largest JSON body a service accepts (413 past it); the gateway holds ordinary requests to the same. */
export const jsonBodyLimitBytes = 1024 * 1024;

// Matches whole path segments: /api/products owns /api/products/1 but not /api/productsX. A `*` segment stands
// for exactly one non-empty segment, so /api/products/*/recommendations owns /api/products/42/recommendations
// (and what lies under it) but not /api/products/42 nor /api/products/42/x/recommendations. Where two prefixes
// own a path, the longer is the more specific (the gateway and the embedded edge pick it).
export function ownsPath(prefix: string, path: string): boolean {
  if (!prefix.includes('*')) return path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
  const wanted = prefix.split('/');
  const given = path.split('/');
  if (given.length < wanted.length) return false;
  return wanted.every((segment, index) => (segment === '*' ? given[index] !== '' : segment === given[index]));
}

/**
 * What a body that could not be read answers. Bodies sent with Content-Encoding gzip, deflate or br are inflated
 * (the size limit applies to the inflated JSON, so a small bomb is 413); another encoding is 415 (the parser's own
 * error). A body that is not what its encoding says (plain JSON labelled gzip) fails inside zlib, whose errors
 * carry no HTTP status: that is the client's 400, not our 500.
 */
function bodyProblem(error: Error & { status?: number }, contentEncoding: string): Error {
  if (error.status !== undefined || !contentEncoding || contentEncoding === 'identity') return error;
  return problem(400, 'Bad compressed body', {
    detail: `The request body is not valid ${contentEncoding} data (Content-Encoding).`,
  });
}

/**
 * The Koa app every service runs inside: request context, metrics, problem documents, JSON bodies
 * (CloudEvents included, for the sidecar's deliveries), the operations endpoints, then the routes.
 */
export function createHttpApp(options: HttpAppOptions): Koa {
  const app = new Koa({ proxy: true });
  app.silent = true;
  app.use(requestContext(options.log));
  app.use(httpMetrics(options.metrics, options.name));
  app.use(problemResponder());
  // Before anything reads the path: a target that parsers could read two ways never reaches a route or a proxy.
  app.use((ctx, next) => {
    const verdict = checkRequestTarget(ctx.req.url);
    if (!verdict.ok) {
      throw problem(400, 'Bad Request', {
        detail: `Refused request target: ${verdict.reason}`,
        errors: [{ path: 'path', message: verdict.reason }],
      });
    }
    return next();
  });
  if (options.appApiToken !== undefined) app.use(requireAppApiToken(options.appApiToken));
  if (options.parseBodies !== false) {
    const parseJson = bodyParser({
      enableTypes: ['json'],
      // extendTypes replaces the default list, so plain JSON is named again.
      extendTypes: { json: ['application/json', 'application/cloudevents+json', 'application/merge-patch+json'] },
      jsonLimit: options.jsonLimit ?? jsonBodyLimitBytes,
      onError: (error, ctx) => {
        throw bodyProblem(error, ctx.get('content-encoding'));
      },
    });
    const rawBodyPaths = options.rawBodyPaths ?? [];
    // Reads carry no body; skipping the parser's content-type checks is measurable on cached reads.
    app.use((ctx, next) =>
      ctx.method === 'GET' || ctx.method === 'HEAD' || rawBodyPaths.some((prefix) => ownsPath(prefix, ctx.path))
        ? next()
        : parseJson(ctx, next),
    );
  }
  const publicPaths = options.publicPaths ? [...operationsPaths, ...options.publicPaths] : undefined;
  if (publicPaths) {
    const exactPaths = options.publicExactPaths ?? [];
    app.use((ctx, next) =>
      exactPaths.includes(ctx.path) || publicPaths.some((prefix) => ownsPath(prefix, ctx.path)) ? next() : undefined,
    );
  }
  const operations = operationsRouter({
    checks: options.readiness,
    state: options.health,
    ...(options.servesMetrics === false ? {} : { metrics: options.metrics }),
  });
  for (const middleware of options.beforeRoutes ?? []) app.use(middleware);
  app.use(routeDispatch([operations, ...options.routers]));
  return app;
}
