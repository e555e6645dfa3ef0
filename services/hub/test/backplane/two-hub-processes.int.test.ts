import { randomUUID } from 'node:crypto';
import type { HubConnection } from '@microsoft/signalr';
import { type ProductCreated, topics } from '@shop/contracts';
import { hubClient, record } from '@shop/signalr/test/support/clients';
import { type DaprTopology, startDaprTopology } from '@shop/testkit/src/dapr-topology';
import type { RunningDaprd } from '@shop/testkit/src/daprd';
import { eventually } from '@shop/testkit/src/eventually';
import {
  audience,
  type FixtureIdentity,
  issuer,
  newSigningKey,
  serveJwks,
  signToken,
} from '@shop/testkit/src/jwt-fixture';
import { inventoryService } from '../../../inventory/src/service';
import { hubService } from '../../src/service';
import { azureClient, rest } from '../support/azure-clients';

// The Kubernetes shape of a scaled hub on one machine: the inventory and two hub replicas, each its own process
// beside its own daprd, Redis for pub/sub and the backplane. Both hub sidecars have the app id `hub`, so Dapr
// hands each event to one of them (one consumer group per app id); the backplane must bring it to both.

const key = newSigningKey('hub-replicas-key');
let jwks: FixtureIdentity;
let topology: DaprTopology;
let catalogSidecar: RunningDaprd;
let replicas: string[];
const open: HubConnection[] = [];

beforeAll(async () => {
  jwks = await serveJwks([key]);
  topology = await startDaprTopology({
    services: [inventoryService, { ...hubService, replicas: 2 }],
    jwksUrl: `${jwks.url}/jwks`,
    env: { JWT_ISSUER: issuer, JWT_AUDIENCE: audience, LOG_LEVEL: 'warn' },
  });
  // The fixture stands in for identity's session answers too: the sidecar of app `identity` calls it.
  await topology.startSidecarFor('identity', jwks.port);
  catalogSidecar = await topology.startSidecarFor('catalog');
  const hubs = topology.replicasOf('hub');
  const subscribed = [topics.stockChanged, topics.orderPaid];
  for (const hub of hubs) await hub.sidecar.waitForSubscriptions(subscribed, 60_000);
  replicas = hubs.map((hub) => `http://127.0.0.1:${hub.appPort}`);
}, 240_000);

afterEach(async () => {
  await Promise.all(open.splice(0).map((connection) => connection.stop()));
});

afterAll(async () => {
  await topology?.stop();
  await jwks?.close();
}, 60_000);

/** Events daprd delivered to a replica (POST /dapr/events/:topic), read from its /metrics. */
async function eventDeliveries(replica: string): Promise<number> {
  const text = await (await fetch(`${replica}/metrics`)).text();
  const line = text
    .split('\n')
    .find(
      (row) =>
        row.startsWith('http_server_request_duration_seconds_count') && row.includes('route="/dapr/events/:topic"'),
    );
  return line ? Number(line.split(' ').at(-1)) : 0;
}

const inventoryUrl = () => `http://127.0.0.1:${topology.member('inventory').appPort}`;

async function productWithStock(stock: number): Promise<string> {
  const productId = randomUUID();
  const data: ProductCreated = {
    productId,
    sku: `PAIR-${productId.slice(0, 8)}`,
    name: 'Enamel mug',
    price: { amount: 1299, currency: 'EUR' },
    categoryId: randomUUID(),
    status: 'active',
    initialStock: stock,
    createdAt: new Date().toISOString(),
  };
  // What the catalog publishes, through a catalog sidecar's publish API (only the catalog may publish it).
  const published = await fetch(
    `http://127.0.0.1:${catalogSidecar.httpPort}/v1.0/publish/pubsub/${topics.productCreated}`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'dapr-api-token': catalogSidecar.daprApiToken },
      body: JSON.stringify({ id: randomUUID(), type: topics.productCreated, occurredAt: data.createdAt, data }),
    },
  );
  expect(published.status).toBe(204);
  await eventually(
    async () => expect((await fetch(`${inventoryUrl()}/api/inventory/${productId}`)).status).toBe(200),
    30_000,
  );
  return productId;
}

async function adjust(productId: string, delta: number): Promise<void> {
  const admin = signToken(key, { roles: ['admin'] }, { subject: randomUUID() });
  const res = await fetch(`${inventoryUrl()}/api/inventory/${productId}/adjustments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
    body: JSON.stringify({ delta, reason: 'replica test' }),
  });
  expect(res.status).toBe(200);
}

describe('two hub processes behind the Redis backplane, each beside its own daprd', () => {
  it('run as two replicas of the app id hub, each with its own port and sidecar, the first one its member', () => {
    const hubs = topology.replicasOf('hub');
    expect(hubs.map((hub) => [hub.replica, hub.sidecar.appId])).toEqual([
      [0, 'hub'],
      [1, 'hub'],
    ]);
    expect(new Set(hubs.map((hub) => hub.appPort)).size).toBe(2);
    expect(new Set(hubs.map((hub) => hub.sidecar.httpPort)).size).toBe(2);
    expect(topology.member('hub')).toBe(hubs[0]);
    expect(topology.replicasOf('inventory')).toEqual([topology.member('inventory')]);
  });

  it('bring every stock change to the subscribers on both replicas, each exactly once and in order', async () => {
    const productId = await productWithStock(20);
    const clients = replicas.map((url, index) =>
      hubClient(`${url}/hubs/inventory`, { transport: index === 0 ? 'WebSockets' : 'LongPolling' }),
    );
    await Promise.all(clients.map((client) => client.start()));
    open.push(...clients);
    const seen = clients.map((client) => record(client, 'StockChanged'));
    for (const client of clients) await client.invoke('SubscribeProduct', productId);
    const onHand = (index: number) => (seen[index] ?? []).map(([levels]) => (levels as { onHand: number }).onHand);
    await eventually(() => expect([onHand(0), onHand(1)]).toEqual([[20], [20]]), 30_000);
    // Each event reaches one replica (one consumer group per app id); the backplane carries it to the other.
    for (let change = 1; change <= 5; change++) await adjust(productId, -1);
    const expected = [20, 19, 18, 17, 16, 15];
    await eventually(() => expect([onHand(0), onHand(1)]).toEqual([expected, expected]), 30_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect([onHand(0), onHand(1)]).toEqual([expected, expected]);
    // Dapr delivered the six stock events (creation and five adjustments) to the replicas between them, not to
    // each: without the backplane one replica's clients would have missed some.
    const deliveries = await Promise.all(replicas.map(eventDeliveries));
    const total = deliveries.reduce((sum, count) => sum + count, 0);
    expect(total).toBeGreaterThanOrEqual(6);
    expect(total).toBeLessThan(12);
  }, 120_000);

  it('bring a REST send made on one replica to the clients of both, each exactly once', async () => {
    const hub = `replicas${randomUUID().replace(/-/g, '').slice(0, 8)}`;
    const clients = replicas.map((url) => azureClient(url, hub, { userId: 'ada' }));
    await Promise.all(clients.map((client) => client.start()));
    open.push(...clients);
    const heard = clients.map((client) => record(client, 'Note'));
    const [first, second] = replicas as [string, string];
    expect(
      (await rest(first, 'POST', `/api/v1/hubs/${hub}`, { body: { target: 'Note', arguments: ['all'] } })).status,
    ).toBe(202);
    expect(
      (
        await rest(second, 'POST', `/api/hubs/${hub}/users/ada/:send?api-version=2022-06-01`, {
          body: { target: 'Note', arguments: ['ada'] },
        })
      ).status,
    ).toBe(202);
    await eventually(
      () =>
        expect(heard).toEqual([
          [['all'], ['ada']],
          [['all'], ['ada']],
        ]),
      10_000,
    );
    const onSecond = clients[1]?.connectionId as string;
    expect((await rest(first, 'HEAD', `/api/hubs/${hub}/connections/${onSecond}?api-version=2022-06-01`)).status).toBe(
      200,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(heard).toEqual([
      [['all'], ['ada']],
      [['all'], ['ada']],
    ]);
  }, 60_000);
});
