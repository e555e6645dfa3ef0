import type { Middleware } from 'koa';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** One Prometheus registry per process, with the process metrics every service exposes. */
export function createMetricsRegistry(labels: Record<string, string> = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels(labels);
  collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * Times every request by service, method, matched route pattern (never the raw path, which would
 * make one series per product id) and status.
 */
export function httpMetrics(registry: Registry, service: string): Middleware {
  const histogram =
    (registry.getSingleMetric('http_server_request_duration_seconds') as Histogram<string> | undefined) ??
    new Histogram({
      name: 'http_server_request_duration_seconds',
      help: 'Duration of HTTP requests served',
      labelNames: ['service', 'method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    });
  return async (ctx, next) => {
    const end = histogram.startTimer();
    try {
      await next();
    } finally {
      const route = typeof ctx._matchedRoute === 'string' ? ctx._matchedRoute : 'unmatched';
      end({ service, method: ctx.method, route, status: String(ctx.status) });
    }
  };
}

declare module 'koa' {
  interface ExtendableContext {
    _matchedRoute?: string | RegExp;
  }
}
