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
}

/** One entry of the programmatic subscription list daprd reads once from GET /dapr/subscribe. */
export interface DaprSubscriptionJson {
  pubsubname: string;
  topic: string;
  route: string;
  deadLetterTopic?: string;
}

type DaprStatus = 'SUCCESS' | 'RETRY' | 'DROP';
const statusOf: Record<DeliveryOutcome, DaprStatus> = { success: 'SUCCESS', retry: 'RETRY', drop: 'DROP' };

export const eventRoutePrefix = '/dapr/events/';

/**
 * The routes daprd calls on the app: GET /dapr/subscribe and one POST /dapr/events/<topic> per subscription.
 * Mount them before the app listens: daprd asks for the subscription list once, when the app port opens.
 */
export function daprAppRoutes(options: DaprAppRoutesOptions): Router {
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
  }));

  const router = new Router();
  router.get('/dapr/subscribe', (ctx) => {
    ctx.body = subscriptionList;
  });
  router.post(`${eventRoutePrefix}:topic`, async (ctx) => {
    const topic = ctx.params.topic ?? '';
    const subscription = byTopic.get(topic);
    if (!subscription) {
      // 404 makes daprd drop the event to the dead letter, as an unroutable event should be.
      ctx.status = 404;
      ctx.body = { status: 'DROP' };
      return;
    }
    // The request's logger (the kit's request context makes one): daprd delivers with the CloudEvent's traceparent,
    // so its lines carry the event's trace id.
    const requestLog: Logger | undefined = ctx.state.log;
    const log = (requestLog ?? options.logger).child({ topic }, true);
    const cloudEvent = await cloudEventOf(ctx);
    const envelope = envelopeOf(cloudEvent);
    if (!envelope) {
      log.warn(
        { contentType: ctx.get('content-type') },
        'dropping an event whose CloudEvent data is not an event envelope',
      );
      ctx.body = { status: 'DROP' satisfies DaprStatus };
      return;
    }
    const failedTopic = topic === deadLetterTopic ? originalTopicOf(cloudEvent) : undefined;
    const delivery: Delivery = {
      log: log.child({ eventId: envelope.id }, true),
      ...(failedTopic ? { failedTopic } : {}),
    };
    const outcome = await inKitSpan(
      `${options.appId} receive ${topic}`,
      { service: options.appId, kind: SpanKind.CONSUMER },
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
    ctx.body = { status: statusOf[outcome] ?? 'RETRY' };
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
