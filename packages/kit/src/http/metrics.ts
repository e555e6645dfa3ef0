import type { Middleware } from 'koa';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { requestDurationsIn, secondsSince } from './request-durations';

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
  const durations = requestDurationsIn(registry);
  return async (ctx, next) => {
    const startedAt = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const route = typeof ctx._matchedRoute === 'string' ? ctx._matchedRoute : 'unmatched';
      durations.observe(service, ctx.method, route, ctx.status, secondsSince(startedAt));
    }
  };
}

declare module 'koa' {
  interface ExtendableContext {
    _matchedRoute?: string | RegExp;
  }
}
