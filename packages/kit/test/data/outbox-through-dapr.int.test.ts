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
import { handleOnce, OutboxRelay, transaction } from '../../src/data';
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

beforeAll(async () => {
  run = prepareDaprRunDir({ testAppIds: ['producer', 'consumer'] });
  [redis, pg] = await Promise.all([startRedis({ logDir: run.logDir }), startPostgres({ logDir })]);
  producerDb = await openWidgets(await pg.createDatabase('producer'));
  consumerDb = await openWidgets(await pg.createDatabase('consumer'));
  const producerSidecar = await appWithSidecar('producer', []);
  const consumerSidecar = await appWithSidecar('consumer', [projection]);
  await consumerSidecar.waitForSubscriptions(['widgets']);
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
