import { type AppId, deliveryBatchWindowsMs, type EventEnvelope } from '@shop/contracts';
import type { DataSource } from 'typeorm';
import { handleOnce, handleOnceInGroup } from '../data/inbox';
import type { Logger } from '../log/logger';
import { recordDeliveryFailure } from '../mesh/delivery-failures';
import type { Delivery, DeliveryOutcome, Subscription } from '../mesh/port';
import { currentTraceparent } from '../tracing/tracing';
import { checkAgainstContract } from './contract-check';
import type { EventContext, EventSubscription, HandlerAnswer, InboxEventContext } from './event-subscription';

export interface IntakeOptions<TDeps> {
  /** The consuming service: names its inbox records (`<service>.<topic>`) and its log lines. */
  service: string;
  log: Logger;
  deps: TDeps;
}

/**
 * The one door every event comes in by, in both topologies (the embedded bus and the routes daprd calls
 * deliver to the mesh `Subscription`s this returns). Per delivery: the envelope and the payload are checked
 * against the subscription's schema (a bad one is dropped to the dead letter with a log line: redelivering
 * cannot fix it), the event id is recorded in the inbox in the same transaction as the handler's writes (a
 * duplicate runs nothing), and the handler runs with a logger naming the event. A handler that throws is
 * retried by the mesh; one that answers 'retry' is rolled back and redelivered.
 */
export function inboxIntake<TDeps>(
  subscriptions: EventSubscription<TDeps, InboxEventContext>[],
  options: IntakeOptions<TDeps> & {
    dataSource: DataSource;
    /**
     * The events share transactions (handleOnceInGroup): by default for the observers (packages/contracts
     * deliveryBatchWindowsMs), whose events no step of the saga waits on; the saga's steps take each event alone.
     */
    groupCommit?: boolean;
  },
): Subscription[] {
  const groupCommit = options.groupCommit ?? deliveryBatchWindowsMs[options.service as AppId] !== undefined;
  const applyOnce = groupCommit ? handleOnceInGroup : handleOnce;
  return subscriptions.map((subscription) => ({
    topic: subscription.topic,
    handle: (envelope, delivery) =>
      receive(subscription, envelope, delivery, options, async (ctx, event) => {
        const consumer = consumerName(options.service, subscription.topic);
        const committed: Array<() => Promise<void> | void> = [];
        const result = await applyOnce(options.dataSource, consumer, event.id, async (tx) => {
          // A group that rolled back runs its events again alone: only the run that committed counts.
          committed.length = 0;
          const answer = await subscription.handle(
            { ...ctx, tx, afterCommit: (work) => committed.push(work) },
            event,
            options.deps,
          );
          return answer === 'retry' ? tx.rollbackWith(answer) : answer;
        });
        if (result.status === 'duplicate') {
          ctx.log.debug('event already applied');
          return undefined;
        }
        if (result.status === 'rolled-back') return result.value === 'retry' ? 'retry' : undefined;
        for (const work of committed) await work();
        return undefined;
      }),
  }));
}

/** The intake of a service without a database (the hub): no inbox, so its handlers must be idempotent themselves. */
export function statelessIntake<TDeps>(
  subscriptions: EventSubscription<TDeps, EventContext>[],
  options: IntakeOptions<TDeps>,
): Subscription[] {
  return subscriptions.map((subscription) => ({
    topic: subscription.topic,
    handle: (envelope, delivery) =>
      receive(subscription, envelope, delivery, options, async (ctx, event) =>
        (await subscription.handle(ctx, event, options.deps)) === 'retry' ? 'retry' : undefined,
      ),
  }));
}

/** The inbox's name for a service's consumer of a topic: a service subscribes to a topic once. */
export function consumerName(service: string, topic: string): string {
  return `${service}.${topic}`;
}

/**
 * Validates, logs and runs `handle` for one delivery; the single place a consumer's handling runs, so whatever
 * wraps every consumer (a trace span) wraps it here.
 */
async function receive<TDeps>(
  subscription: Pick<EventSubscription<TDeps>, 'topic' | 'schema'>,
  envelope: EventEnvelope,
  delivery: Delivery | undefined,
  options: IntakeOptions<TDeps>,
  handle: (ctx: EventContext, event: EventEnvelope) => Promise<HandlerAnswer>,
): Promise<DeliveryOutcome> {
  // The mesh's logger for this delivery carries the event's trace id; the service's own serves a direct call.
  const log = (delivery?.log ?? options.log).child(
    {
      consumer: consumerName(options.service, subscription.topic),
      topic: subscription.topic,
      eventId: envelope.id,
      eventType: envelope.type,
    },
    true,
  );
  // Once per event in the process when the mesh shares its verdicts between subscribers (the embedded bus).
  const verdict =
    delivery?.contractChecks?.verdictFor(subscription.schema, subscription.topic, envelope) ??
    checkAgainstContract(subscription.schema, subscription.topic, envelope);
  const { problems } = verdict;
  if (problems.length > 0) {
    log.warn({ problems }, 'event does not match its contract: dropped to the dead letter');
    recordDeliveryFailure(
      options.service,
      subscription.topic,
      envelope.id,
      `does not match its contract: ${problems.join('; ')}`,
    );
    return 'drop';
  }
  const traceparent = currentTraceparent();
  const answer = await handle(
    { log, ...(traceparent ? { traceparent } : {}) },
    { ...envelope, data: (verdict as { data: unknown }).data },
  );
  if (answer === 'retry') {
    log.info('event arrived before what it depends on; asking for redelivery');
    return 'retry';
  }
  log.debug('event handled');
  return 'success';
}
