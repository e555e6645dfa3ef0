import { text } from 'node:stream/consumers';
import Router from '@koa/router';
import { deadLetterTopicOf, type EventEnvelope } from '@shop/contracts';
import type { Context } from 'koa';
import type { Logger } from '../log/logger';
import { inKitSpan, SpanKind } from '../tracing/tracing';
import { clearDeliveryFailure, recordDeliveryFailure } from './delivery-failures';
import type { Delivery, DeliveryOutcome, Subscription } from './port';

/** Where an app's undeliverable events go, in both adapters. Subscribe to it to handle them. */
export const deadLetterTopicFor = deadLetterTopicOf;

export interface DaprAppRoutesOptions {
  appId: string;
  /** The app's subscriptions; one whose topic is deadLetterTopicFor(appId) is its dead-letter handler. */
  subscriptions: Subscription[];
  logger: Logger;
  pubsubName?: string;
  /**
   * Deliver every topic but the dead letters in batches (Dapr bulk subscribe): one request carries up to
   * maxMessagesCount events, waiting at most maxAwaitDurationMs for them. For observers whose answers no one
   * waits on: a batch saves daprd and the app a request per event.
   */
  batches?: DeliveryBatches;
}

export interface DeliveryBatches {
  maxMessagesCount: number;
  maxAwaitDurationMs: number;
}

/** One entry of the programmatic subscription list daprd reads once from GET /dapr/subscribe. */
export interface DaprSubscriptionJson {
  pubsubname: string;
  topic: string;
  route: string;
  deadLetterTopic?: string;
  bulkSubscribe?: { enabled: boolean } & DeliveryBatches;
}

type DaprStatus = 'SUCCESS' | 'RETRY' | 'DROP';
const statusOf: Record<DeliveryOutcome, DaprStatus> = { success: 'SUCCESS', retry: 'RETRY', drop: 'DROP' };

export const eventRoutePrefix = '/dapr/events/';

/** A delivery's answer to daprd: the HTTP status and the body naming what daprd does with the event. */
export interface DeliveryAnswer {
  httpStatus: number;
  body: { status: DaprStatus } | BulkDeliveryAnswer;
}

/** The app's side of daprd's pub/sub: the subscription list it reads, and each delivery's handling. */
export interface DaprDeliveries {
  subscriptionList: DaprSubscriptionJson[];
  /** Whether the app subscribes to the topic (a delivery to another topic is answered 404, DROP). */
  subscribes(topic: string): boolean;
  /**
   * Handles what daprd delivered on the topic's route (parsed JSON; undefined when the body was not JSON): one
   * CloudEvent, or for a batched topic a bulk envelope whose entries are handled side by side, each answered by id.
   */
  deliver(topic: string, body: unknown, log: Logger, contentType: string): Promise<DeliveryAnswer>;
}

/** What daprd reads from a batched route: one status per entry (a missing entry counts as RETRY). */
export interface BulkDeliveryAnswer {
  statuses: Array<{ entryId: string; status: DaprStatus }>;
}

export function daprDeliveries(options: DaprAppRoutesOptions): DaprDeliveries {
  const pubsubname = options.pubsubName ?? 'pubsub';
  const deadLetterTopic = deadLetterTopicFor(options.appId);
  const byTopic = new Map(options.subscriptions.map((s) => [s.topic, s]));
  if (byTopic.size !== options.subscriptions.length) {
    throw new Error(`${options.appId} subscribes to a topic twice; daprd delivers each topic to one route`);
  }
  const subscriptionList: DaprSubscriptionJson[] = options.subscriptions.map(({ topic }) => ({
    pubsubname,
    topic,
    route: `${eventRoutePrefix}${topic}`,
    // The dead-letter subscription itself has none: an event that fails there is logged by daprd and acked.
    ...(topic === deadLetterTopic ? {} : { deadLetterTopic }),
    ...(options.batches && topic !== deadLetterTopic ? { bulkSubscribe: { enabled: true, ...options.batches } } : {}),
  }));
  const batched = new Set(subscriptionList.filter((s) => s.bulkSubscribe).map((s) => s.topic));

  /** One CloudEvent to its handler; `traceparent` continues the event's trace when the request's is another. */
  const deliverOne = async (
    subscription: Subscription,
    cloudEvent: unknown,
    log: Logger,
    contentType: string,
    traceparent?: string,
  ): Promise<DaprStatus> => {
    const topic = subscription.topic;
    const envelope = envelopeOf(cloudEvent);
    if (!envelope) {
      log.warn({ contentType }, 'dropping an event whose CloudEvent data is not an event envelope');
      return 'DROP';
    }
    const failedTopic = topic === deadLetterTopic ? originalTopicOf(cloudEvent) : undefined;
    const delivery: Delivery = {
      log: log.child({ eventId: envelope.id }, true),
      ...(failedTopic ? { failedTopic } : {}),
    };
    const outcome = await inKitSpan(
      `${options.appId} receive ${subscription.topic}`,
      { service: options.appId, kind: SpanKind.CONSUMER, ...(traceparent ? { traceparent } : {}) },
      async (): Promise<DeliveryOutcome> => {
        try {
          const answer = (await subscription.handle(envelope, delivery)) ?? 'success';
          if (answer === 'retry') {
            recordDeliveryFailure(options.appId, topic, envelope.id, 'the handler asked for redelivery');
          } else if (answer === 'success') clearDeliveryFailure(options.appId, topic, envelope.id);
          return answer;
        } catch (err) {
          delivery.log.warn({ err, eventType: envelope.type }, 'event handler failed; daprd will retry');
          recordDeliveryFailure(options.appId, topic, envelope.id, err);
          return 'retry';
        }
      },
    );
    return statusOf[outcome] ?? 'RETRY';
  };

  return {
    subscriptionList,
    subscribes: (topic) => byTopic.has(topic),
    async deliver(topic, body, requestLog, contentType) {
      const subscription = byTopic.get(topic);
      // 404 makes daprd drop the event to the dead letter, as an unroutable event should be.
      if (!subscription) return { httpStatus: 404, body: { status: 'DROP' } };
      const log = requestLog.child({ topic }, true);
      // A batched route may still get a single CloudEvent (a sidecar that read the subscription list before it
      // asked for batches): it is handled as one.
      const entries = batched.has(topic) ? bulkEntriesOf(body) : undefined;
      if (!entries) {
        return { httpStatus: 200, body: { status: await deliverOne(subscription, body, log, contentType) } };
      }
      // Side by side, as the component's concurrency hands single events to the app; each in its own transaction.
      const statuses = await Promise.all(
        entries.map(async (entry) => ({
          entryId: entry.entryId,
          status: await deliverOne(subscription, entry.event, log, entry.contentType ?? '', traceparentOf(entry.event)),
        })),
      );
      return { httpStatus: 200, body: { statuses } };
    },
  };
}

interface BulkEntry {
  entryId: string;
  event: unknown;
  contentType?: string;
}

/** The entries of daprd's bulk delivery (`{entries: [{entryId, event, contentType, metadata}], …}`). */
function bulkEntriesOf(body: unknown): BulkEntry[] | undefined {
  if (!isRecord(body) || !Array.isArray(body.entries)) return undefined;
  const entries: BulkEntry[] = [];
  for (const entry of body.entries) {
    if (!isRecord(entry) || typeof entry.entryId !== 'string') return undefined;
    entries.push({
      entryId: entry.entryId,
      event: entry.event,
      ...(typeof entry.contentType === 'string' ? { contentType: entry.contentType } : {}),
    });
  }
  return entries;
}

/** The W3C traceparent daprd put in the CloudEvent (the publisher's), when it is one. */
function traceparentOf(cloudEvent: unknown): string | undefined {
  if (!isRecord(cloudEvent)) return undefined;
  const { traceparent } = cloudEvent;
  return typeof traceparent === 'string' && /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/.test(traceparent)
    ? traceparent
    : undefined;
}

/**
 * The routes daprd calls on the app: GET /dapr/subscribe and one POST /dapr/events/<topic> per subscription.
 * Mount them before the app listens: daprd asks for the subscription list once, when the app port opens.
 */
export function daprAppRoutes(options: DaprAppRoutesOptions, deliveries = daprDeliveries(options)): Router {
  const router = new Router();
  router.get('/dapr/subscribe', (ctx) => {
    ctx.body = deliveries.subscriptionList;
  });
  router.post(`${eventRoutePrefix}:topic`, async (ctx) => {
    // The request's logger (the kit's request context makes one): daprd delivers with the CloudEvent's traceparent,
    // so its lines carry the event's trace id.
    const requestLog: Logger | undefined = ctx.state.log;
    const topic = ctx.params.topic ?? '';
    const cloudEvent = deliveries.subscribes(topic) ? await cloudEventOf(ctx) : undefined;
    const answer = await deliveries.deliver(topic, cloudEvent, requestLog ?? options.logger, ctx.get('content-type'));
    ctx.status = answer.httpStatus;
    ctx.body = answer.body;
  });
  return router;
}

// daprd posts application/cloudevents+json, which body parsers skip by default (and @koa/bodyparser then
// sets an empty body without reading the stream), so the route reads the raw body unless a parser kept it.
async function cloudEventOf(ctx: Context): Promise<unknown> {
  const request = ctx.request as typeof ctx.request & { rawBody?: string };
  try {
    const raw = typeof request.rawBody === 'string' ? request.rawBody : await text(ctx.req);
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function envelopeOf(cloudEvent: unknown): EventEnvelope | undefined {
  if (!isRecord(cloudEvent)) return undefined;
  const data = cloudEvent.data;
  if (!isRecord(data)) return undefined;
  const { id, type, occurredAt } = data;
  if (typeof id !== 'string' || typeof type !== 'string' || typeof occurredAt !== 'string' || !('data' in data)) {
    return undefined;
  }
  return { id, type, occurredAt, data: data.data };
}

/** daprd dead-letters the original CloudEvent unchanged: its `topic` is still the one the event failed on. */
function originalTopicOf(cloudEvent: unknown): string | undefined {
  return isRecord(cloudEvent) && typeof cloudEvent.topic === 'string' ? cloudEvent.topic : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
