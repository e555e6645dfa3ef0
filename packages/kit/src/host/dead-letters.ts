import type { EventEnvelope } from '@shop/contracts';
import type { Counter, Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { DeadLetterStore } from '../data/dead-letters';
import { InboxEvent } from '../data/kit-entities';
import { consumerName } from '../events/intake';
import { counterIn, scrapeTimeGauge } from '../http/metrics';
import type { Logger } from '../log/logger';
import { deadLetterTopicFor } from '../mesh/dapr-app-routes';
import { takeDeliveryFailure } from '../mesh/delivery-failures';
import type { Subscription } from '../mesh/port';
import { inKitSpan, SpanKind } from '../tracing/tracing';

/** The counter the dead-letter alert watches (charts/shop PrometheusRule): keep the name. */
export const deadLettersTotalMetric = 'shop_dead_letters_total';
/** The gauge of dead letters still waiting for an operator. */
export const deadLettersStoredMetric = 'shop_dead_letters_stored';

export interface DeadLetterHandlingOptions {
  service: string;
  /** The service's own subscriptions; one on its dead-letter topic replaces the kit's. */
  subscriptions: Subscription[];
  log: Logger;
  metrics: Registry;
  /** The service's database: where its dead letters are kept. A service without one only logs and counts them. */
  dataSource?: DataSource;
}

export interface DeadLetterHandling {
  /** The service's subscriptions and the kit's dead-letter one. */
  subscriptions: Subscription[];
  /** Present with a database: what the admin endpoints act on. */
  replayer?: DeadLetterReplayer;
}

/**
 * Every dead letter of a service is counted (`shop_dead_letters_total{service,topic}`), logged in full and, when the
 * service has a database, stored there with the reason and attempts its deliveries failed with, for an operator to
 * replay or discard (dead-letter-admin.ts). A service that declares its own dead-letter subscription keeps it.
 */
export function withDeadLetterHandling(options: DeadLetterHandlingOptions): DeadLetterHandling {
  const { service, subscriptions, log, metrics, dataSource } = options;
  const deadLetterTopic = deadLetterTopicFor(service);
  const store = dataSource ? new DeadLetterStore(dataSource) : undefined;
  if (store) registerStoredGauge(metrics, service, store);
  const replayer =
    store && dataSource ? new DeadLetterReplayer(service, subscriptions, store, dataSource, log) : undefined;
  if (subscriptions.some((s) => s.topic === deadLetterTopic)) {
    return { subscriptions, ...(replayer ? { replayer } : {}) };
  }
  const counter = deadLettersCounter(metrics);
  const handler: Subscription = {
    topic: deadLetterTopic,
    async handle(event, delivery) {
      // A valid envelope's type is its topic; the mesh says which topic it failed on when it can.
      const topic = delivery?.failedTopic ?? String(event.type);
      const failure = takeDeliveryFailure(service, topic, String(event.id));
      counter.inc({ service, topic });
      (delivery?.log ?? log).error(
        { deadLetter: event, failedTopic: topic, error: failure?.error, attempts: failure?.attempts },
        'event dead-lettered after its retries',
      );
      // A store that fails throws: the mesh delivers the dead letter again rather than lose it.
      await store?.store({
        topic,
        event,
        error: failure?.error ?? null,
        attempts: failure?.attempts ?? 0,
      });
      return 'success';
    },
  };
  return { subscriptions: [...subscriptions, handler], ...(replayer ? { replayer } : {}) };
}

/** What a replay did: the consumer applied the event now, or its inbox showed it was applied before. */
export type ReplayOutcome =
  | { ok: true; applied: boolean }
  | { ok: false; reason: 'not-subscribed' | 'failed'; detail: string };

/**
 * Hands a stored dead letter to the service's own consumer of its topic again, as the mesh would deliver it: the
 * same envelope (its id unchanged), through the same intake (contract check, inbox, handler), in a span of its own.
 * Not a publish: a consumer may not publish another service's topic (pub/sub scopes), and a publish would reach
 * every other subscriber of the topic, which did not fail. The consumer's inbox makes a second replay a no-op.
 */
export class DeadLetterReplayer {
  private readonly byTopic: Map<string, Subscription>;

  constructor(
    private readonly service: string,
    subscriptions: Subscription[],
    readonly store: DeadLetterStore,
    private readonly dataSource: DataSource,
    private readonly log: Logger,
  ) {
    this.byTopic = new Map(subscriptions.map((subscription) => [subscription.topic, subscription]));
  }

  async replay(
    record: { id: string; topic: string; eventId: string; payload: string },
    log: Logger,
  ): Promise<ReplayOutcome> {
    const subscription = this.byTopic.get(record.topic);
    if (!subscription) {
      return { ok: false, reason: 'not-subscribed', detail: `${this.service} no longer subscribes to ${record.topic}` };
    }
    const event = JSON.parse(record.payload) as EventEnvelope;
    const appliedBefore = await this.dataSource.manager.existsBy(InboxEvent, {
      consumer: consumerName(this.service, record.topic),
      eventId: record.eventId,
    });
    const replayLog = (log ?? this.log).child(
      { deadLetterId: record.id, topic: record.topic, eventId: record.eventId },
      true,
    );
    let failure: string | undefined;
    try {
      const outcome = await inKitSpan(
        `${this.service} replay ${record.topic}`,
        { service: this.service, kind: SpanKind.CONSUMER },
        () => subscription.handle(event, { log: replayLog }),
      );
      if (outcome === 'retry') failure = 'the handler asked for redelivery (what it depends on is still missing)';
      if (outcome === 'drop') failure = 'the event does not match its contract';
    } catch (error) {
      failure = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    if (failure !== undefined) {
      replayLog.warn({ error: failure }, 'replaying a dead letter failed; it stays stored');
      await this.store.failedAgain(record.id, failure);
      return { ok: false, reason: 'failed', detail: failure };
    }
    replayLog.info({ applied: !appliedBefore }, 'dead letter replayed');
    return { ok: true, applied: !appliedBefore };
  }
}

function deadLettersCounter(metrics: Registry): Counter<'service' | 'topic'> {
  return counterIn(metrics, {
    name: deadLettersTotalMetric,
    help: 'Events that exhausted their retries and were dead-lettered, by consuming service and the topic they failed on',
    labelNames: ['service', 'topic'] as const,
  });
}

/**
 * Counted at scrape time from each service's database: the number survives restarts and is the same on every replica.
 * Every service of a process shares its registry (the embedded topology): one gauge, a count per service.
 */
function registerStoredGauge(metrics: Registry, service: string, store: DeadLetterStore): void {
  scrapeTimeGauge(
    metrics,
    {
      name: deadLettersStoredMetric,
      help: 'Dead letters stored and not yet replayed or discarded, by service',
      labelNames: ['service'] as const,
    },
    async () => [{ labels: { service }, value: await store.countStored() }],
  );
}
