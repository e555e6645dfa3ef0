import { Writable } from 'node:stream';
import type { EventEnvelope } from '@shop/contracts';
import { type Listening, listen } from '@shop/testkit/src/listen';
import { rawRequest } from '@shop/testkit/src/raw-http';
import { createHttpApp, jsonBodyLimitBytes } from '../../src/host/http-app';
import { createMetricsRegistry } from '../../src/http/metrics';
import { createLogger } from '../../src/log/logger';
import { daprAppRoutes, daprDeliveries } from '../../src/mesh/dapr-app-routes';
import { answerDaprDeliveries } from '../../src/mesh/dapr-delivery-listener';
import type { DeliveryOutcome } from '../../src/mesh/port';

const token = 'sidecar-token-0123456789-abcdefghijklmnop';
const topic = 'orders.order-placed';
const metrics = createMetricsRegistry();
const handled: EventEnvelope[] = [];
let outcome: () => Promise<DeliveryOutcome> = async () => 'success';
/** Requests that reached the Koa pipeline (its last middleware before the routes). */
let throughPipeline = 0;
let server: Listening;

beforeAll(async () => {
  const log = createLogger({ name: 'test', level: 'fatal' });
  const options = {
    appId: 'inventory',
    subscriptions: [
      {
        topic,
        handle: async (event: EventEnvelope) => {
          handled.push(event);
          return outcome();
        },
      },
    ],
    logger: log,
  };
  const deliveries = daprDeliveries(options);
  const app = createHttpApp({
    name: 'inventory',
    log,
    metrics,
    health: { accepting: true },
    readiness: () => [],
    routers: [daprAppRoutes(options, deliveries)],
    appApiToken: token,
    beforeRoutes: [
      (_ctx, next) => {
        throughPipeline++;
        return next();
      },
    ],
  });
  server = await listen(
    answerDaprDeliveries(deliveries, app.callback(), {
      service: 'inventory',
      log,
      metrics,
      appApiToken: token,
      bodyLimitBytes: jsonBodyLimitBytes,
    }),
  );
});
afterAll(() => server.close());
beforeEach(() => {
  handled.length = 0;
  throughPipeline = 0;
  outcome = async () => 'success';
});

/** Raw HTTP: the path goes on the wire exactly as written (fetch would normalise it); chunked: no declared length. */
async function send(path: string, headers: Record<string, string>, body: string, chunked = false) {
  const length = Buffer.byteLength(body);
  const answer = await rawRequest(server.url, {
    method: 'POST',
    target: path,
    headers: chunked ? { ...headers, 'transfer-encoding': 'chunked' } : headers,
    body: chunked ? `${length.toString(16)}\r\n${body}\r\n0\r\n\r\n` : body,
  });
  return { ...answer, type: answer.headers['content-type'] ?? '' };
}

const envelope: EventEnvelope = {
  id: 'e-1',
  type: topic,
  occurredAt: '2026-01-01T00:00:00.000Z',
  data: { orderId: 'o-1' },
};
const cloudEvent = JSON.stringify({ specversion: '1.0', id: 'ce-1', source: 'orders', data: envelope });
const fromSidecar = { 'content-type': 'application/cloudevents+json', 'dapr-api-token': token };

describe("daprd's deliveries answered ahead of the Koa pipeline", () => {
  it('hands a delivery from the sidecar to its handler without the pipeline, and answers SUCCESS', async () => {
    const res = await send(`/dapr/events/${topic}`, fromSidecar, cloudEvent);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: 'SUCCESS' });
    expect(handled).toEqual([envelope]);
    expect(throughPipeline).toBe(0);
    const recorded = await metrics.getSingleMetricAsString('http_server_request_duration_seconds');
    expect(recorded).toContain(
      'http_server_request_duration_seconds_count{service="inventory",method="POST",route="/dapr/events/:topic",status="200"}',
    );
  });

  it.each([
    ['retry', 'RETRY'],
    ['drop', 'DROP'],
  ] as const)('answers %s from the handler as %s', async (answer, status) => {
    outcome = async () => answer;
    const res = await send(`/dapr/events/${topic}`, fromSidecar, cloudEvent);
    expect(JSON.parse(res.body)).toEqual({ status });
  });

  it('answers RETRY when the handler throws', async () => {
    outcome = async () => {
      throw new Error('database down');
    };
    const res = await send(`/dapr/events/${topic}`, fromSidecar, cloudEvent);
    expect(JSON.parse(res.body)).toEqual({ status: 'RETRY' });
  });

  it('drops a body that is not JSON or not an event envelope, and skips the handler', async () => {
    expect(JSON.parse((await send(`/dapr/events/${topic}`, fromSidecar, '{"specversion":')).body)).toEqual({
      status: 'DROP',
    });
    expect(JSON.parse((await send(`/dapr/events/${topic}`, fromSidecar, '{"data":{"id":1}}')).body)).toEqual({
      status: 'DROP',
    });
    expect(handled).toEqual([]);
  });

  it.each([
    ['no token', { 'content-type': 'application/cloudevents+json' }],
    ['a wrong token', { 'content-type': 'application/cloudevents+json', 'dapr-api-token': 'b'.repeat(44) }],
    ['the token with a character more', { ...fromSidecar, 'dapr-api-token': `${token}x` }],
  ])('sends a forged delivery with %s the full way: 401 problem, nothing handled', async (_case, headers) => {
    const res = await send(`/dapr/events/${topic}`, headers, cloudEvent);
    expect(res.status).toBe(401);
    expect(res.type).toContain('application/problem+json');
    expect(handled).toEqual([]);
    expect(throughPipeline).toBe(0);
  });

  it.each([
    ['a topic it does not subscribe to', '/dapr/events/orders.order-paid', fromSidecar, false, 404],
    // Routing ignores case: the pipeline delivers it all the same.
    ['a path spelled otherwise', `/Dapr/events/${topic}`, fromSidecar, false, 200],
    ['a query string', `/dapr/events/${topic}?x=1`, fromSidecar, false, 200],
    ['another content type', `/dapr/events/${topic}`, { ...fromSidecar, 'content-type': 'text/plain' }, false, 200],
    ['no declared length', `/dapr/events/${topic}`, fromSidecar, true, 200],
  ])('leaves %s to the pipeline', async (_case, path, headers, chunked, status) => {
    const res = await send(path, headers, cloudEvent, chunked);
    expect(res.status).toBe(status);
    expect(throughPipeline).toBe(1);
  });
});

describe('a batched subscription (Dapr bulk subscribe)', () => {
  const received: string[] = [];
  const log = createLogger({ name: 'test', level: 'fatal' });
  const options = {
    appId: 'analytics',
    subscriptions: [
      {
        topic,
        handle: async (event: EventEnvelope) => {
          received.push(event.id);
          if (event.id === 'fails') throw new Error('database down');
          return event.id === 'unwanted' ? ('drop' as const) : undefined;
        },
      },
      { topic: 'deadletter.analytics', handle: async () => undefined },
    ],
    logger: log,
    batches: { maxMessagesCount: 10, maxAwaitDurationMs: 10 },
  };
  const deliveries = daprDeliveries(options);
  let batchServer: Listening;
  beforeAll(async () => {
    const app = createHttpApp({
      name: 'analytics',
      log,
      metrics: createMetricsRegistry(),
      health: { accepting: true },
      readiness: () => [],
      routers: [daprAppRoutes(options, deliveries)],
      appApiToken: token,
    });
    const listener = answerDaprDeliveries(deliveries, app.callback(), {
      service: 'analytics',
      log,
      metrics: createMetricsRegistry(),
      appApiToken: token,
      bodyLimitBytes: jsonBodyLimitBytes,
    });
    batchServer = await listen(listener);
  });
  afterAll(() => batchServer.close());
  beforeEach(() => {
    received.length = 0;
  });

  const entry = (entryId: string, id: string) => ({
    entryId,
    event: { specversion: '1.0', id: `ce-${id}`, source: 'orders', data: { ...envelope, id } },
    contentType: 'application/cloudevents+json',
    metadata: {},
  });
  const bulk = JSON.stringify({
    id: 'bulk-1',
    type: 'com.dapr.event.sent.bulk',
    pubsubname: 'pubsub',
    topic,
    entries: [entry('a', 'e-a'), entry('b', 'fails'), entry('c', 'unwanted'), { entryId: 'd', event: { data: 1 } }],
  });

  it('asks daprd for batches on every topic but its dead letters', () => {
    expect(deliveries.subscriptionList).toEqual([
      {
        pubsubname: 'pubsub',
        topic,
        route: `/dapr/events/${topic}`,
        deadLetterTopic: 'deadletter.analytics',
        bulkSubscribe: { enabled: true, maxMessagesCount: 10, maxAwaitDurationMs: 10 },
      },
      { pubsubname: 'pubsub', topic: 'deadletter.analytics', route: '/dapr/events/deadletter.analytics' },
    ]);
  });

  it.each([
    ['ahead of the pipeline', 'application/json'],
    ['through the pipeline', 'text/plain'],
  ])('hands each entry to the handler and answers a status per entry id (%s)', async (_way, contentType) => {
    const { body: res } = await rawRequest(batchServer.url, {
      method: 'POST',
      target: `/dapr/events/${topic}`,
      headers: { 'content-type': contentType, 'dapr-api-token': token },
      body: bulk,
    });
    expect(JSON.parse(res)).toEqual({
      statuses: [
        { entryId: 'a', status: 'SUCCESS' },
        { entryId: 'b', status: 'RETRY' },
        { entryId: 'c', status: 'DROP' },
        { entryId: 'd', status: 'DROP' },
      ],
    });
    expect([...received].sort()).toEqual(['e-a', 'fails', 'unwanted']);
  });

  it('handles a single CloudEvent on a batched route as one event', async () => {
    const single = JSON.stringify({ specversion: '1.0', id: 'ce-1', source: 'orders', data: envelope });
    const { body: res } = await rawRequest(batchServer.url, {
      method: 'POST',
      target: `/dapr/events/${topic}`,
      headers: fromSidecar,
      body: single,
    });
    expect(JSON.parse(res)).toEqual({ status: 'SUCCESS' });
    expect(received).toEqual([envelope.id]);
  });
});

describe('the request line of a delivery answered ahead of the pipeline', () => {
  it('is the pipeline’s: method, route, status and duration at info, with the trace the answer echoes', async () => {
    const lines: string[] = [];
    const log = createLogger({
      name: 'lines',
      level: 'info',
      format: 'json',
      stream: new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    });
    const options = { appId: 'inventory', subscriptions: [{ topic, handle: async () => undefined }], logger: log };
    const deliveries = daprDeliveries(options);
    const listener = answerDaprDeliveries(
      deliveries,
      () => {
        throw new Error('not the full way');
      },
      { service: 'inventory', log, metrics: createMetricsRegistry(), appApiToken: token, bodyLimitBytes: 1024 },
    );
    const lineServer = await listen(listener);
    try {
      const traceId = '0af7651916cd43dd8448eb211c80319c';
      await rawRequest(lineServer.url, {
        method: 'POST',
        target: `/dapr/events/${topic}`,
        headers: { ...fromSidecar, traceparent: `00-${traceId}-b7ad6b7169203331-01` },
        body: cloudEvent,
      });
      const line = lines.map((text) => JSON.parse(text)).find((entry) => entry.msg === 'request');
      expect(line).toMatchObject({
        method: 'POST',
        route: '/dapr/events/:topic',
        status: 200,
        duration_ms: expect.any(Number),
        trace_id: traceId,
      });
    } finally {
      lineServer.close();
    }
  });
});
