import type { Middleware } from 'koa';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
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

interface MetricDeclaration<L extends string> {
  name: string;
  help: string;
  labelNames?: readonly L[];
}

/**
 * The one way a service or the kit declares a metric: the registry's metric of that name when one is registered
 * (the embedded topology hosts every service in one process and one registry, so a second service, or a second
 * app of the same process, declaring it gets the same one), else a new one in it.
 */
export function counterIn<L extends string = never>(registry: Registry, declaration: MetricDeclaration<L>): Counter<L> {
  const existing = registry.getSingleMetric(declaration.name);
  if (existing) return existing as Counter<L>;
  return new Counter<L>({ ...declaration, labelNames: declaration.labelNames ?? [], registers: [registry] });
}

export function histogramIn<L extends string = never>(
  registry: Registry,
  declaration: MetricDeclaration<L> & { buckets: number[] },
): Histogram<L> {
  const existing = registry.getSingleMetric(declaration.name);
  if (existing) return existing as Histogram<L>;
  return new Histogram<L>({ ...declaration, labelNames: declaration.labelNames ?? [], registers: [registry] });
}

/** One reading of a scrape-time gauge: its labels and value. */
export interface GaugeReading<L extends string> {
  labels: Partial<Record<L, string>>;
  value: number;
}

/** Reads a gauge's current values when Prometheus scrapes (a table's backlog, a dependency's health). */
export type GaugeSource<L extends string> = () => Promise<Array<GaugeReading<L>>> | Array<GaugeReading<L>>;

const gaugeSources = new WeakMap<Registry, Map<string, Set<GaugeSource<string>>>>();

/**
 * A gauge whose values are read at scrape time from `source` (for what is cheaper to ask than to track on every
 * change: a table's backlog, a dependency's health). Every source of the same name in one registry reports into
 * the one gauge; the answer removes the source (a stopping service stops reporting). A source that fails is
 * skipped for that scrape: the series then goes missing, which an alert on absence sees, rather than the scrape.
 */
export function scrapeTimeGauge<L extends string = never>(
  registry: Registry,
  declaration: MetricDeclaration<L>,
  source: GaugeSource<L>,
): () => void {
  let byName = gaugeSources.get(registry);
  if (!byName) {
    byName = new Map();
    gaugeSources.set(registry, byName);
  }
  let sources = byName.get(declaration.name);
  if (!sources) {
    const registered = new Set<GaugeSource<string>>();
    sources = registered;
    byName.set(declaration.name, registered);
    new Gauge<L>({
      ...declaration,
      labelNames: declaration.labelNames ?? [],
      registers: [registry],
      async collect() {
        this.reset();
        const readings = await Promise.all(
          [...registered].map((read) =>
            Promise.resolve()
              .then(read)
              .catch(() => []),
          ),
        );
        for (const reading of readings.flat()) this.set(reading.labels as Partial<Record<L, string>>, reading.value);
      },
    });
  }
  const added = source as GaugeSource<string>;
  sources.add(added);
  return () => sources.delete(added);
}
