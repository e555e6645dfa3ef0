import { randomUUID } from 'node:crypto';
import {
  type EventEnvelope,
  type OrderPlaced,
  type OrderStatusEvent,
  type ProductCreated,
  type StockChanged,
  topics,
} from '@shop/contracts';
import type { ServiceManifest } from '@shop/kit';
import { startWithFixtureIdentity } from '@shop/testkit/src/embedded-with-fixture';
import { eventually } from '@shop/testkit/src/eventually';
import { signToken } from '@shop/testkit/src/jwt-fixture';
import { json } from '@shop/testkit/src/listen';
import { inventoryService } from '../../../inventory/src/service';
import type { BackplaneTransport } from '../../src/backplane/backplane-transport';
import { createHubService, hubService } from '../../src/service';

export interface HubPlatformOptions {
  /** A shared backplane transport (several hub platforms in one process as replicas). */
  backplane?: () => BackplaneTransport;
  /** Host the inventory service beside the hub (default); a second replica may go without. */
  inventory?: boolean;
  /** More services hosted beside the hub in the same embedded platform (callers of its REST API). */
  alongside?: ServiceManifest[];
}

/**
 * The hub hosted as the platform hosts it (the embedded topology) beside the real inventory service, which
 * answers the hub's current-stock reads and publishes the stock events; order events are published as the orders
 * service publishes them.
 */
export async function startHubPlatform(env: Record<string, string> = {}, options: HubPlatformOptions = {}) {
  const hub = options.backplane ? createHubService({ backplane: options.backplane }) : hubService;
  const { platform, key, stop } = await startWithFixtureIdentity(
    [
      ...(options.inventory === false ? [] : [inventoryService as ServiceManifest]),
      hub as ServiceManifest,
      ...(options.alongside ?? []),
    ],
    { name: 'hub', env },
  );
  const admin = signToken(key, { roles: ['admin'] }, { subject: randomUUID() });

  const publish = async <T>(from: string, topic: string, data: T, id: string = randomUUID()) => {
    const event: EventEnvelope<T> = { id, type: topic, occurredAt: new Date().toISOString(), data };
    await platform.bus.meshFor(from).publish(topic, event);
    await platform.bus.drain();
    return event;
  };

  const running = {
    platform,
    url: platform.url,
    customerToken: (customerId: string) => signToken(key, { roles: ['customer'] }, { subject: customerId }),
    /** An admin's access token (the analytics hub admits no other). */
    adminToken: admin,
    /** A product the catalog announced with `stock` on hand, once the inventory holds it. */
    async productWithStock(stock: number): Promise<string> {
      const productId = randomUUID();
      await publish<ProductCreated>('catalog', topics.productCreated, {
        productId,
        sku: `HUB-${productId.slice(0, 8)}`,
        name: 'Enamel mug',
        price: { amount: 1299, currency: 'EUR' },
        categoryId: randomUUID(),
        status: 'active',
        initialStock: stock,
        createdAt: new Date().toISOString(),
      });
      await eventually(async () =>
        expect((await fetch(`${platform.url}/api/inventory/${productId}`)).status).toBe(200),
      );
      return productId;
    },
    async adjust(productId: string, delta: number) {
      const res = await fetch(`${platform.url}/api/inventory/${productId}/adjustments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
        body: JSON.stringify({ delta, reason: 'hub test' }),
      });
      if (res.status !== 200) throw new Error(`adjustment answered ${res.status}: ${await res.text()}`);
      return json(res);
    },
    stockChanged: (data: StockChanged, id?: string) => publish('inventory', topics.stockChanged, data, id),
    orderStatus: (topic: string, data: OrderStatusEvent, id?: string) => publish('orders', topic, data, id),
    orderPlaced: (data: OrderPlaced) => publish('orders', topics.orderPlaced, data),
    stop,
  };
  return running;
}

export type HubPlatform = Awaited<ReturnType<typeof startHubPlatform>>;
