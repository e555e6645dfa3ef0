import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { bodyParser } from '@koa/bodyparser';
import { type DaprRunDir, prepareDaprRunDir } from '@shop/testkit/src/dapr-run-dir';
import { type RunningDaprd, startSidecar } from '@shop/testkit/src/daprd';
import { freePort } from '@shop/testkit/src/free-port';
import { type PostgresServer, startPostgres } from '@shop/testkit/src/postgres';
import { type RunningRedis, startRedis } from '@shop/testkit/src/redis';
import Koa from 'koa';
import type { DataSource } from 'typeorm';
import { handleOnce, OutboxEvent, OutboxRelay, transaction } from '../../src/data';
import { createLogger } from '../../src/log/logger';
import { createDaprMesh } from '../../src/mesh/dapr';
import { daprAppRoutes } from '../../src/mesh/dapr-app-routes';
import type { Mesh, Subscription } from '../../src/mesh/port';
import { eventually, newWidget, openWidgets, type Widget, WidgetEntity, widgetCreated } from './support/widgets';

// The whole path an event takes in the Dapr topology: business row and outbox row in one PostgreSQL
// transaction, the relay publishing through a real daprd onto Redis Streams, the consumer's daprd
// delivering it, and the consumer's inbox making every redelivery a no-op.
const logDir = join(resolve(__dirname, '../../../..'), '.tmp/test-logs/outbox-through-dapr');
const quiet = createLogger({ name: 'outbox-through-dapr', level: 'fatal' });

let redis: RunningRedis;
let pg: PostgresServer;
let run: DaprRunDir;
let producerDb: DataSource;
let consumerDb: DataSource;
let producerMesh: Mesh;
const sidecars: RunningDaprd[] = [];
const servers: Server[] = [];
const deliveries: Array<{ eventId: string; status: string }> = [];
let failNextDelivery = false;

const projection: Subscription = {
  topic: 'widgets',
  async handle(event) {
    if (failNextDelivery) {
      failNextDelivery = false;
      throw new Error('consumer database hiccup');
    }
    const widget = event.data as Widget;
    const result = await handleOnce(consumerDb, 'widget-projection', event.id, async (tx) => {
      await tx.manager.insert(WidgetEntity, { ...widget, name: `seen ${widget.name}` });
    });
    deliveries.push({ eventId: event.id, status: result.status });
    return 'success';
  },
};

async function appWithSidecar(appId: string, subscriptions: Subscription[]): Promise<RunningDaprd> {
  const appPort = await freePort();
  const app = new Koa().use(bodyParser()).use(daprAppRoutes({ appId, subscriptions, logger: quiet }).routes());
  servers.push(app.listen(appPort, '127.0.0.1'));
  const sidecar = await startSidecar(run, redis.url, appId, appPort);
  sidecars.push(sidecar);
  return sidecar;
}

/** What the batch consumer's daprd posted: each request's entries, as the CloudEvents they carry. */
const batches: Array<Array<{ event: { traceparent?: string; data: { id: string } } }>> = [];
const gadgetsHandled: string[] = [];

/** An app that takes its events in batches (Dapr bulk subscribe), recording each request as daprd sent it. */
async function batchConsumer(): Promise<RunningDaprd> {
  const appId = 'batch-consumer';
  const subscriptions: Subscription[] = [
    {
      topic: 'gadgets',
      async handle(event) {
        gadgetsHandled.push(event.id);
        return 'success';
      },
    },
  ];
  const routes = daprAppRoutes({
    appId,
    subscriptions,
    logger: quiet,
    batches: { maxMessagesCount: 10, maxAwaitDurationMs: 500 },
  });
  const app = new Koa()
    .use(bodyParser())
    .use(async (ctx, next) => {
      const body = ctx.request.body as { entries?: (typeof batches)[number] } | undefined;
      if (ctx.path === '/dapr/events/gadgets' && body?.entries) batches.push(body.entries);
      await next();
    })
    .use(routes.routes());
  const appPort = await freePort();
  servers.push(app.listen(appPort, '127.0.0.1'));
  const sidecar = await startSidecar(run, redis.url, appId, appPort);
  sidecars.push(sidecar);
  return sidecar;
}

beforeAll(async () => {
  run = prepareDaprRunDir({ testAppIds: ['producer', 'consumer', 'batch-consumer'] });
  [redis, pg] = await Promise.all([startRedis({ logDir: run.logDir }), startPostgres({ logDir })]);
  producerDb = await openWidgets(await pg.createDatabase('producer'));
  consumerDb = await openWidgets(await pg.createDatabase('consumer'));
  const producerSidecar = await appWithSidecar('producer', []);
  const consumerSidecar = await appWithSidecar('consumer', [projection]);
  const batchSidecar = await batchConsumer();
  await consumerSidecar.waitForSubscriptions(['widgets']);
  await batchSidecar.waitForSubscriptions(['gadgets']);
  producerMesh = createDaprMesh({
    appId: 'producer',
    daprHttpPort: producerSidecar.httpPort,
    daprApiToken: producerSidecar.daprApiToken,
    logger: quiet,
  });
}, 90_000);

afterAll(async () => {
  await Promise.all(sidecars.map((sidecar) => sidecar.stop()));
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
  await producerDb?.destroy();
  await consumerDb?.destroy();
  await Promise.all([redis?.stop(), pg?.stop()]);
  run?.remove();
}, 60_000);

it('carries a committed event from the outbox through daprd to the consumer once, despite redelivery', async () => {
  const widget = newWidget(`gear-${randomUUID().slice(0, 4)}`);
  const event = widgetCreated(widget);
  await transaction(producerDb, async (tx) => {
    await tx.manager.insert(WidgetEntity, widget);
    await tx.outbox('widgets', event);
  });
  failNextDelivery = true; // the first delivery fails: daprd's resiliency policy redelivers it
  const relay = new OutboxRelay(producerDb, { publish: (topic, e) => producerMesh.publish(topic, e), logger: quiet });
  relay.start();
  await eventually(() => expect(deliveries.filter((d) => d.eventId === event.id)).toHaveLength(1), 20_000);
  await relay.stop();

  // A redelivery of the very same event (a crash between the consumer's commit and daprd's ack).
  await producerMesh.publish('widgets', event);
  await eventually(() => expect(deliveries.filter((d) => d.eventId === event.id)).toHaveLength(2), 20_000);

  expect(deliveries.filter((d) => d.eventId === event.id).map((d) => d.status)).toEqual(['applied', 'duplicate']);
  expect(await consumerDb.manager.findBy(WidgetEntity, { id: widget.id })).toEqual([
    { ...widget, name: `seen ${widget.name}` },
  ]);
}, 60_000);

it('publishes a batch in one bulk call that daprd delivers in batches, each event continuing its own trace', async () => {
  const events = [0, 1, 2].map((i) => widgetCreated(newWidget(`gadget-${i}`)));
  const traceparents = events.map((_, i) => `00-${randomUUID().replace(/-/g, '')}-00f067aa0ba902b${i}-01`);
  for (const [i, event] of events.entries()) {
    await transaction(producerDb, async (tx) => tx.outbox('gadgets', event));
    // As the outbox records it when the writing work is traced.
    await producerDb.manager.update(OutboxEvent, { id: event.id }, { traceparent: traceparents[i] });
  }
  const bulkCalls: number[] = [];
  const relay = new OutboxRelay(producerDb, {
    publish: () => Promise.reject(new Error('the relay publishes in bulk here')),
    publishBulk: async (topic, traced) => {
      bulkCalls.push(traced.length);
      await producerMesh.publishBulk?.(topic, traced);
    },
    logger: quiet,
  });
  await relay.flush();
  await eventually(() => expect([...gadgetsHandled].sort()).toEqual(events.map((e) => e.id).sort()), 20_000);
  expect(bulkCalls).toEqual([3]);
  const delivered = batches.flat();
  expect(delivered.map((entry) => entry.event.data.id).sort()).toEqual(events.map((e) => e.id).sort());
  expect(new Map(delivered.map((entry) => [entry.event.data.id, entry.event.traceparent]))).toEqual(
    new Map(events.map((event, i) => [event.id, traceparents[i]])),
  );
  expect(batches.length).toBeLessThan(3);
}, 60_000);
