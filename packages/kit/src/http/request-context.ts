import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from '../log/logger';
import { activeTraceContext } from '../tracing/tracing';
import { continueTrace, type TraceContext, traceparentOf } from './trace-context';

export const requestIdHeader = 'x-request-id';
/** A caller-supplied request id is kept only when it is short and plain, so it cannot forge log lines. */
const acceptableRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

export interface RequestState {
  requestId: string;
  trace: TraceContext;
  log: Logger;
}

declare module 'koa' {
  interface DefaultState {
    requestId: string;
    trace: TraceContext;
    log: Logger;
  }
}

/**
 * The request's id (the caller's when it is short and plain, else a new one) and its trace context (the
 * caller's continued, else a new trace): what every answer echoes in X-Request-Id and traceparent.
 */
export function identifyRequest(
  requestId: string | undefined,
  traceparent: string | undefined,
  tracestate: string | undefined,
): { requestId: string; trace: TraceContext } {
  return {
    requestId: requestId && acceptableRequestId.test(requestId) ? requestId : randomUUID(),
    // With tracing on, the HTTP instrumentation's server span already continued the caller's traceparent.
    trace: activeTraceContext() ?? continueTrace(traceparent || undefined, tracestate || undefined),
  };
}

/** The level of the line each request ends with (a 5xx is always an error line); info unless an app says otherwise. */
export type RequestLogLevel = 'info' | 'debug';

/** Probes and scrapes come every few seconds: their lines stay at debug whatever the request level. */
const quietPaths = new Set(['/healthz', '/readyz', '/metrics']);
/**
 * The hub's Azure SignalR REST API: the platform's own services send through it (the kit's hub sender) on every
 * change they announce, so its lines stay at debug too; a person watching wants the clients' requests.
 */
const quietPrefixes = ['/api/v1/hubs/', '/api/hubs/'];
const isQuiet = (path: string) => quietPaths.has(path) || quietPrefixes.some((prefix) => path.startsWith(prefix));

/** A path segment that may be an id, and so a bearer secret (a guest cart's id is 128 random bits in hex). */
const idLikeSegment = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[A-Za-z0-9_~.-]{20,})$/i;

/**
 * The path of a request no route matched (a 404, or what a proxy passes on), as a log line may show it: every
 * segment that could be an id becomes `:id`, so no one reads a guest cart's secret in the logs.
 */
export function loggablePath(path: string): string {
  return path
    .split('/')
    .map((segment) => (idLikeSegment.test(segment) ? ':id' : segment))
    .join('/');
}

/**
 * Gives every request an id (echoed in X-Request-Id), a W3C trace context (echoed in traceparent)
 * and a child logger carrying both, and logs one line when the request ends: method, the route's pattern (never
 * the path's ids, a guest cart's id is its secret; when no route matched, the path with its ids masked), status
 * and duration; never the query string.
 */
export function requestContext(logger: Logger, requestLevel: RequestLogLevel = 'info'): Middleware {
  return async (ctx, next) => {
    const { requestId, trace } = identifyRequest(
      ctx.get(requestIdHeader),
      ctx.get('traceparent'),
      ctx.get('tracestate'),
    );
    let log: Logger | undefined;
    // Most requests never log: the child logger is made on first use (a "simple" child only adds fields).
    const requestLog = () => {
      log ??= logger.child({ req_id: requestId, trace_id: trace.traceId, span_id: trace.spanId }, true);
      return log;
    };
    ctx.state.requestId = requestId;
    ctx.state.trace = trace;
    Object.defineProperty(ctx.state, 'log', { get: requestLog, configurable: true, enumerable: true });
    ctx.set(requestIdHeader, requestId);
    ctx.set('traceparent', traceparentOf(trace));
    const startedAt = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const failed = ctx.status >= 500;
      const level = isQuiet(ctx.path) ? 'debug' : requestLevel;
      if (failed || logger[level]()) {
        const route = (ctx as { _matchedRoute?: unknown })._matchedRoute;
        const line = requestLine(
          ctx.method,
          typeof route === 'string' ? { route } : { path: loggablePath(ctx.path) },
          ctx.status,
          startedAt,
        );
        if (failed) requestLog().error(line, 'request failed');
        else requestLog()[level](line, 'request');
      }
    }
  };
}

/**
 * The fields of a request's line, the same wherever a request is answered (the Koa pipeline, a ready read): the
 * method, the route's pattern (or the masked path when no route matched), the status and the duration. Never the
 * query string nor a header: that is how no token, password or card number reaches a request line.
 */
export function requestLine(
  method: string,
  where: { route: string } | { path: string },
  status: number,
  startedAt: bigint,
): { method: string; route?: string; path?: string; status: number; duration_ms: number } {
  const durationMs = Number(process.hrtime.bigint() - startedAt) / 1e6;
  return { method, ...where, status, duration_ms: Math.round(durationMs * 10) / 10 };
}
