import { randomUUID } from 'node:crypto';
import { type EventEnvelope, type ProductCreated, type Topic, topics } from '@shop/contracts';
import { startWithFixtureIdentity } from '@shop/testkit/src/embedded-with-fixture';
import { eventually } from '@shop/testkit/src/eventually';
import { signToken } from '@shop/testkit/src/jwt-fixture';
import { json } from '@shop/testkit/src/listen';
import { inventoryService } from '../../src/service';
import { productCreated } from './inventory-db';

export { eventually };

/**
 * The inventory service hosted as the platform hosts it (the embedded topology: the kit's host, the
 * in-process mesh, a SQLite file), with a JWKS for tokens and an observer app that records every event the
 * inventory publishes.
 */
export async function startInventory(env: Record<string, string> = {}) {
  const { platform, key, stop } = await startWithFixtureIdentity([inventoryService], {
    name: 'inventory',
    env: { RESERVATION_SWEEP_INTERVAL_MS: '50', ...env },
  });
  const seen: EventEnvelope[] = [];
  const observed: Topic[] = [
    topics.stockChanged,
    topics.stockReserved,
    topics.stockReservationFailed,
    topics.stockReleased,
    topics.stockCommitted,
    topics.lowStock,
  ];
  platform.bus.register('observer', {
    subscriptions: observed.map((topic) => ({
      topic,
      async handle(event) {
        seen.push(event);
        return 'success' as const;
      },
    })),
  });

  const tokens = {
    admin: signToken(key, { roles: ['admin'] }, { subject: randomUUID() }),
    customer: signToken(key, { roles: ['customer'] }, { subject: randomUUID() }),
  };

  const request = (
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) =>
    fetch(`${platform.url}${path}`, {
      method,
      headers: {
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });

  const inventory = {
    platform,
    tokens,
    request,
    /** Events the inventory published, in the order they arrived. */
    events: <T = Record<string, unknown>>(topic: Topic) =>
      seen.filter((event) => event.type === topic).map((event) => event.data as T),
    /** What another service publishes, e.g. the catalog or the orders service. */
    publish: async <T>(from: string, topic: Topic, data: T, id: string = randomUUID()) => {
      const event: EventEnvelope<T> = { id, type: topic, occurredAt: new Date().toISOString(), data };
      await platform.bus.meshFor(from).publish(topic, event);
      return event;
    },
    /** Service invocation of an internal route, as the orders service makes it. */
    invoke: (path: string, body?: unknown) =>
      platform.bus
        .meshFor('orders')
        .invoke('inventory', path, { method: 'POST', ...(body !== undefined ? { body } : {}) }),
    async levels(productId: string) {
      return json(await request('GET', `/api/inventory/${productId}`));
    },
    /** A product announced by the catalog, once the inventory shows its stock item. */
    async productWithStock(initialStock: number): Promise<string> {
      const productId = randomUUID();
      await inventory.publish<ProductCreated>(
        'catalog',
        topics.productCreated,
        productCreated(initialStock, productId),
      );
      await eventually(async () => expect((await request('GET', `/api/inventory/${productId}`)).status).toBe(200));
      return productId;
    },
    stop,
  };
  return inventory;
}

export type RunningInventory = Awaited<ReturnType<typeof startInventory>>;
