import type { IncomingHttpHeaders } from 'node:http';
import type { EventEnvelope } from '@shop/contracts';
import Koa from 'koa';
import inject from 'light-my-request';
import type { DataSource } from 'typeorm';
import { OutboxEvent, OutboxRelay, transaction } from '../../src/data';
import { requestContext } from '../../src/http/request-context';
import { createLogger } from '../../src/log/logger';
import { daprAppRoutes } from '../../src/mesh/dapr-app-routes';
import { EmbeddedBus } from '../../src/mesh/embedded';
import type { Delivery } from '../../src/mesh/port';
import { startTracing, type Tracing } from '../../src/tracing/start-tracing';
import { currentTraceparent, inKitSpan, tracingRequested } from '../../src/tracing/tracing';
import { newWidget, openWidgets, widgetCreated } from '../data/support/widgets';

const traceIdOf = (traceparent: string | undefined | null) => traceparent?.split('-')[1];

describe('tracingRequested (standard OTEL_* variables)', () => {
  it.each([
    [{}, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, true],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }, true],
    [{ OTEL_TRACES_EXPORTER: 'otlp' }, true],
    [{ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, false],
    [{ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, false],
  ])('%j → %s', (env, expected) => {
    expect(tracingRequested(env)).toBe(expected);
  });
});

describe('a delivery from daprd (tracing off)', () => {
  it('hands the handler a logger carrying the trace id of the traceparent daprd delivered with', async () => {
    const quiet = createLogger({ name: 'trace-test', level: 'fatal' });
    const deliveries: Delivery[] = [];
    const routes = daprAppRoutes({
      appId: 'consumer',
      logger: quiet,
      subscriptions: [
        {
          topic: 'widgets',
          async handle(_event, delivery) {
            if (delivery) deliveries.push(delivery);
            return 'success';
          },
        },
      ],
    });
    const app = new Koa().use(requestContext(quiet)).use(routes.routes());
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const event = widgetCreated(newWidget());
    const response = await inject(app.callback(), {
      method: 'POST',
      url: '/dapr/events/widgets',
      headers: { 'content-type': 'application/cloudevents+json', traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      payload: JSON.stringify({
        specversion: '1.0',
        id: 'c1',
        type: 'com.dapr.event.sent',
        traceid: traceId,
        data: event,
      }),
    });
    expect(JSON.parse(response.payload)).toEqual({ status: 'SUCCESS' });
    expect(deliveries[0]?.log.fields).toEqual(
      expect.objectContaining({ trace_id: traceId, topic: 'widgets', eventId: event.id }),
    );
  });
});

describe('trace context through the outbox and the embedded bus (tracing on)', () => {
  let tracing: Tracing | undefined;
  let db: DataSource;
  const quiet = createLogger({ name: 'trace-test', level: 'fatal' });

  beforeAll(async () => {
    // Spans are only made here: jest's module sandbox cannot run the exporter (it imports node:http
    // dynamically), so the batch is never due; tests/system/trace-across-services.test.ts proves the export.
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = 'http://127.0.0.1:9';
    process.env.OTEL_BSP_SCHEDULE_DELAY = '3600000';
    tracing = startTracing('kit-test');
    db = await openWidgets('sqlite::memory:');
  });
  afterAll(async () => {
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    delete process.env.OTEL_BSP_SCHEDULE_DELAY;
    await db?.destroy();
  });

  it('an outbox row keeps the trace that wrote it, and the relay publishes it in that trace, not the current one', async () => {
    expect(tracing).toBeDefined();
    const written = await inKitSpan('place widget', { service: 'widgets' }, async () => {
      await transaction(db, (tx) => tx.outbox('widgets', widgetCreated(newWidget())));
      return currentTraceparent();
    });
    const [row] = await db.manager.find(OutboxEvent, {});
    expect(row?.traceparent).toBe(written);

    const publishedIn: Array<string | undefined> = [];
    const relay = new OutboxRelay(db, {
      publish: async () => {
        publishedIn.push(currentTraceparent());
      },
    });
    // The relay runs in some other trace (the request that woke it); the row's own trace must win.
    const other = await inKitSpan('unrelated request', { service: 'widgets' }, async () => {
      await relay.flush();
      return currentTraceparent();
    });
    expect(publishedIn).toHaveLength(1);
    expect(traceIdOf(publishedIn[0])).toBe(traceIdOf(written));
    expect(traceIdOf(publishedIn[0])).not.toBe(traceIdOf(other));
  });

  it('the embedded bus carries the trace to the callee and to every consumer, whose logger names it', async () => {
    const bus = new EmbeddedBus({ logger: quiet });
    const deliveries: Array<{ traceparent?: string; delivery?: Delivery }> = [];
    let calleeHeaders: IncomingHttpHeaders = {};
    bus.register('consumer', {
      listener: (req, res) => {
        calleeHeaders = req.headers;
        res.end();
      },
      subscriptions: [
        {
          topic: 'widgets',
          async handle(_event: EventEnvelope, delivery?: Delivery) {
            deliveries.push({ traceparent: currentTraceparent(), delivery });
            return 'success';
          },
        },
      ],
    });
    const producer = bus.meshFor('producer');
    const caller = await inKitSpan('producer work', { service: 'producer' }, async () => {
      await producer.invoke('consumer', '/internal/widgets', { method: 'POST', body: {} });
      await producer.publish('widgets', widgetCreated(newWidget()));
      return currentTraceparent();
    });
    await bus.drain();

    expect(traceIdOf(calleeHeaders.traceparent as string)).toBe(traceIdOf(caller));
    expect(deliveries).toHaveLength(1);
    expect(traceIdOf(deliveries[0]?.traceparent)).toBe(traceIdOf(caller));
    expect(deliveries[0]?.delivery?.log.fields).toEqual(
      expect.objectContaining({ trace_id: traceIdOf(caller), topic: 'widgets', appId: 'consumer' }),
    );
    await bus.close();
  });
});
