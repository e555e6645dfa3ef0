import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import {
  type EventEnvelope,
  type OrderPlaced,
  type OrderStatusEvent,
  type ProductCreated,
  type StockReserved,
  type Topic,
  topics,
} from '@shop/contracts';
import { ApiRoutes, createDaprMesh, type Mesh, type RunningServer, runService, type ServiceManifest } from '@shop/kit';
import { type DaprRunDir, prepareDaprRunDir } from '@shop/testkit/src/dapr-run-dir';
import { type RunningDaprd, startSidecar } from '@shop/testkit/src/daprd';
import { eventually } from '@shop/testkit/src/eventually';
import { freePort } from '@shop/testkit/src/free-port';
import { audience, issuer, newSigningKey, serveJwks, signToken } from '@shop/testkit/src/jwt-fixture';
import { json, type Listening } from '@shop/testkit/src/listen';
import { type PostgresServer, startPostgres } from '@shop/testkit/src/postgres';
import { type RunningRedis, startRedis } from '@shop/testkit/src/redis';
import { inventoryService } from '../src/service';
import { productCreated } from './support/inventory-db';

// The Kubernetes shape on one machine: the inventory as its own process beside a real daprd, PostgreSQL for
// its data, Redis Streams for pub/sub; a second app ("watcher", with its own daprd) publishes what the
// catalog and the orders service would and records what the inventory publishes.

const logDir = join(resolve(__dirname, '../../..'), '.tmp/test-logs/inventory-dapr');
const key = newSigningKey('inventory-dapr-key');

let run: DaprRunDir;
let redis: RunningRedis;
let postgres: PostgresServer;
let jwks: Listening;
const sidecars: RunningDaprd[] = [];
const servers: RunningServer[] = [];
let inventoryUrl: string;
let watcherMesh: Mesh;
const seen: EventEnvelope[] = [];

const watched: Topic[] = [
  topics.stockChanged,
  topics.stockReserved,
  topics.stockCommitted,
  topics.stockReservationFailed,
];
const watcher: ServiceManifest = {
  name: 'watcher',
  publicPaths: [],
  async setup() {
    return {
      router: new ApiRoutes().router,
      subscriptions: watched.map((topic) => ({
        topic,
        async handle(event) {
          seen.push(event);
          return 'success' as const;
        },
      })),
    };
  },
};

async function startWithSidecar(manifest: ServiceManifest, env: Record<string, string>): Promise<RunningDaprd> {
  const appPort = await freePort();
  const sidecar = await startSidecar(run, redis.url, manifest.name, appPort);
  sidecars.push(sidecar);
  servers.push(
    await runService(manifest, {
      handleSignals: false,
      env: {
        APP_PORT: String(appPort),
        ...sidecar.appEnv,
        JWKS_URL: `${jwks.url}/jwks`,
        JWT_ISSUER: issuer,
        JWT_AUDIENCE: audience,
        LOG_LEVEL: 'fatal',
        ...env,
      },
    }),
  );
  if (manifest.name === 'inventory') inventoryUrl = `http://127.0.0.1:${appPort}`;
  return sidecar;
}

beforeAll(async () => {
  run = prepareDaprRunDir({ testAppIds: [watcher.name] });
  redis = await startRedis({ logDir: run.logDir });
  postgres = await startPostgres({ logDir });
  jwks = await serveJwks([key]);
  // The fixture stands in for identity's session answers too: the sidecar of app `identity` calls it.
  sidecars.push(await startSidecar(run, redis.url, 'identity', jwks.port));
  const inventorySidecar = await startWithSidecar(inventoryService, {
    DATABASE_URL: await postgres.createDatabase('inventory'),
    RESERVATION_SWEEP_INTERVAL_MS: '100',
  });
  const watcherSidecar = await startWithSidecar(watcher, {});
  await inventorySidecar.waitForSubscriptions([
    topics.productCreated,
    topics.orderPlaced,
    topics.orderPaid,
    topics.orderHeld,
  ]);
  await watcherSidecar.waitForSubscriptions(watched);
  watcherMesh = createDaprMesh({
    appId: 'watcher',
    daprHttpPort: watcherSidecar.httpPort,
    daprApiToken: watcherSidecar.daprApiToken,
  });
}, 180_000);

afterAll(async () => {
  for (const server of servers) await server.shutdown();
  for (const sidecar of sidecars) await sidecar.stop();
  await redis?.stop();
  await postgres?.stop();
  await jwks?.close();
  run?.remove();
}, 60_000);

const publish = <T>(topic: Topic, data: T) =>
  watcherMesh.publish(topic, { id: randomUUID(), type: topic, occurredAt: new Date().toISOString(), data });

const levels = async (productId: string) => json(await fetch(`${inventoryUrl}/api/inventory/${productId}`));

async function productWithStock(initialStock: number): Promise<string> {
  const productId = randomUUID();
  await publish<ProductCreated>(topics.productCreated, productCreated(initialStock, productId));
  await eventually(
    async () => expect((await fetch(`${inventoryUrl}/api/inventory/${productId}`)).status).toBe(200),
    20_000,
  );
  return productId;
}

describe('the inventory beside its daprd', () => {
  it('opens stock items from catalog events delivered through Redis Streams', async () => {
    const productId = await productWithStock(6);
    expect(await levels(productId)).toEqual({ productId, onHand: 6, reserved: 0, available: 6 });
    await eventually(() =>
      expect(seen.map((event) => event.data)).toContainEqual(expect.objectContaining({ productId, version: 1 })),
    );
  });

  it('reserves for a placed order and commits it when paid, publishing both through the outbox', async () => {
    const productId = await productWithStock(5);
    const orderId = randomUUID();
    await publish<OrderPlaced>(topics.orderPlaced, {
      orderId,
      customerId: randomUUID(),
      items: [{ productId, quantity: 2, unitPrice: { amount: 100, currency: 'EUR' } }],
      total: { amount: 200, currency: 'EUR' },
      paymentMethodId: randomUUID(),
      placedAt: new Date().toISOString(),
    });
    await eventually(
      () =>
        expect(
          seen.filter((event) => event.type === topics.stockReserved).map((e) => e.data as StockReserved),
        ).toContainEqual(expect.objectContaining({ orderId })),
      20_000,
    );
    await publish(topics.orderPaid, {
      orderId,
      customerId: randomUUID(),
      status: 'Paid',
      at: new Date().toISOString(),
    });
    await eventually(
      async () => expect(await levels(productId)).toEqual({ productId, onHand: 3, reserved: 0, available: 3 }),
      20_000,
    );
  });

  it('answers service invocation of its internal routes through the sidecars', async () => {
    const productId = await productWithStock(3);
    const orderId = randomUUID();
    const reserved = await watcherMesh.invoke('inventory', '/internal/reservations', {
      method: 'POST',
      body: { orderId, lines: [{ productId, quantity: 3 }], ttlSeconds: 1 },
    });
    expect(reserved.status).toBe(201);
    const short = await watcherMesh.invoke('inventory', '/internal/reservations', {
      method: 'POST',
      body: { orderId: randomUUID(), lines: [{ productId, quantity: 1 }] },
    });
    expect(short.status).toBe(409);
    // The TTL of one second passes and the sweep gives the units back.
    await eventually(async () => expect(await levels(productId)).toMatchObject({ reserved: 0, available: 3 }), 20_000);
  });

  it('redelivers a hold that came before its reservation until it exists, then keeps it past its TTL', async () => {
    const productId = await productWithStock(4);
    const orderId = randomUUID();
    await publish<OrderStatusEvent>(topics.orderHeld, {
      orderId,
      customerId: randomUUID(),
      status: 'OnHold',
      at: new Date().toISOString(),
    });
    // The hold's first delivery finds no reservation and answers RETRY; daprd delivers it again (resiliency.yaml).
    await new Promise((resolve) => setTimeout(resolve, 300));
    const reserved = await watcherMesh.invoke('inventory', '/internal/reservations', {
      method: 'POST',
      body: { orderId, lines: [{ productId, quantity: 1 }], ttlSeconds: 2 },
    });
    expect(reserved.status).toBe(201);
    const admin = signToken(key, { roles: ['admin'] }, { subject: randomUUID() });
    const reservation = async () =>
      json(
        await fetch(`${inventoryUrl}/api/inventory/reservations/${orderId}`, {
          headers: { authorization: `Bearer ${admin}` },
        }),
      );
    await eventually(async () => expect(await reservation()).toMatchObject({ status: 'held-for-review' }), 20_000);
    // Past the TTL of two seconds, and many sweeps (every 100 ms) later: still held.
    const expiresAtMs = Date.parse((await reservation()).expiresAt as string);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAtMs - Date.now()) + 1_000));
    expect(await reservation()).toMatchObject({ status: 'held-for-review' });
    expect(await levels(productId)).toEqual({ productId, onHand: 4, reserved: 1, available: 3 });
  });

  it('takes admin adjustments with tokens verified against the JWKS', async () => {
    const productId = await productWithStock(1);
    const res = await fetch(`${inventoryUrl}/api/inventory/${productId}/adjustments`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${signToken(key, { roles: ['admin'] }, { subject: randomUUID() })}`,
      },
      body: JSON.stringify({ delta: 9, reason: 'delivery' }),
    });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ productId, onHand: 10, reserved: 0, available: 10 });
  });

  it('reports its database and sidecar in /readyz', async () => {
    expect(await json(await fetch(`${inventoryUrl}/readyz`))).toEqual({
      status: 'ready',
      checks: { sidecar: 'ok', 'inventory.database': 'ok' },
    });
  });
});
