import type { Counter, Histogram, Registry } from 'prom-client';
import { type DataSource, IsNull } from 'typeorm';
import { counterIn, histogramIn, scrapeTimeGauge } from '../http/metrics';
import { OutboxEvent } from './kit-entities';

export interface DataMetricsOptions {
  registry: Registry;
  /** The service whose database this is: the `service` label (the embedded topology's one registry holds all). */
  service: string;
  /** A statement slower than this counts in shop_db_slow_queries_total (SLOW_QUERY_MS). */
  slowQueryMs: number;
}

const queryBuckets = [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const duplicateCounters = new WeakMap<DataSource, (consumer: string) => void>();

/**
 * The health of a service's database on /metrics:
 * - `shop_db_query_duration_seconds{service,kind}`: every statement's duration by its first keyword (select,
 *   insert, update, delete, with, begin, commit, ...), as TypeORM measures it (to the millisecond);
 * - `shop_db_slow_queries_total{service,kind}`: statements slower than SLOW_QUERY_MS (each is also logged);
 * - `shop_outbox_backlog{service}` and `shop_outbox_oldest_age_seconds{service}`: rows the relay has not
 *   published yet, and how long the oldest has waited (0 when none), read when Prometheus scrapes;
 * - `shop_inbox_duplicates_total{service,consumer}`: deliveries of events a consumer had already applied.
 * Answers the function that stops the scrape-time readings (the data is closing).
 */
export function observeData(dataSource: DataSource, options: DataMetricsOptions): () => void {
  const { registry, service } = options;
  observeQueries(dataSource, options);
  const duplicates = counterIn(registry, {
    name: 'shop_inbox_duplicates_total',
    help: 'Event deliveries a consumer had already applied, skipped by the inbox',
    labelNames: ['service', 'consumer'] as const,
  });
  duplicateCounters.set(dataSource, (consumer) => duplicates.inc({ service, consumer }));
  const unpublished = { publishedAt: IsNull() };
  const stopBacklog = scrapeTimeGauge(
    registry,
    {
      name: 'shop_outbox_backlog',
      help: 'Outbox rows committed and not yet published',
      labelNames: ['service'] as const,
    },
    async () => [{ labels: { service }, value: await dataSource.manager.countBy(OutboxEvent, unpublished) }],
  );
  const stopOldest = scrapeTimeGauge(
    registry,
    {
      name: 'shop_outbox_oldest_age_seconds',
      help: 'Seconds the oldest unpublished outbox row has waited (0 when none waits)',
      labelNames: ['service'] as const,
    },
    async () => {
      const [oldest] = await dataSource.manager.find(OutboxEvent, {
        select: { seq: true, createdAt: true },
        where: unpublished,
        order: { seq: 'ASC' },
        take: 1,
      });
      const ageSeconds = oldest ? Math.max(0, (Date.now() - oldest.createdAt.getTime()) / 1000) : 0;
      return [{ labels: { service }, value: ageSeconds }];
    },
  );
  return () => {
    stopBacklog();
    stopOldest();
  };
}

/** Counts a duplicate the inbox skipped, on the metrics observeData set up for this DataSource (if any). */
export function countInboxDuplicate(dataSource: DataSource, consumer: string): void {
  duplicateCounters.get(dataSource)?.(consumer);
}

/** The statement's kind: its first word, lower-cased ('select', 'insert', ...); 'other' for anything unusual. */
export function statementKind(query: string): string {
  const match = /^\s*\(?\s*([A-Za-z]+)/.exec(query);
  const word = match?.[1]?.toLowerCase();
  return word && knownKinds.has(word) ? word : 'other';
}

const knownKinds = new Set([
  'select',
  'insert',
  'update',
  'delete',
  'with',
  'merge',
  'begin',
  'start',
  'commit',
  'rollback',
  'savepoint',
  'release',
  'set',
  'pragma',
  'create',
  'alter',
  'drop',
]);

function observeQueries(dataSource: DataSource, { registry, service, slowQueryMs }: DataMetricsOptions): void {
  const durations: Histogram<'service' | 'kind'> = histogramIn(registry, {
    name: 'shop_db_query_duration_seconds',
    help: 'Duration of database statements, by service and kind (first keyword)',
    labelNames: ['service', 'kind'] as const,
    buckets: queryBuckets,
  });
  const slow: Counter<'service' | 'kind'> = counterIn(registry, {
    name: 'shop_db_slow_queries_total',
    help: 'Database statements slower than SLOW_QUERY_MS, by service and kind',
    labelNames: ['service', 'kind'] as const,
  });
  // Bound children per kind: prom-client hashes a label object on every observe otherwise, on every statement.
  const byKind = new Map<string, { observe(seconds: number): void; slow(): void }>();
  const seriesOf = (kind: string) => {
    let series = byKind.get(kind);
    if (!series) {
      const labels = { service, kind };
      const histogram = durations.labels(labels);
      const slowCounter = slow.labels(labels);
      series = { observe: (seconds) => histogram.observe(seconds), slow: () => slowCounter.inc() };
      byKind.set(kind, series);
    }
    return series;
  };
  dataSource.subscribers.push({
    afterQuery(event) {
      if (!event.success || event.executionTime === undefined) return;
      const series = seriesOf(statementKind(event.query));
      series.observe(event.executionTime / 1000);
      if (event.executionTime > slowQueryMs) series.slow();
    },
  });
}
