import { defaultReviewThresholds, type EventEnvelope, eventFlows, topics } from '@shop/contracts';
import type { Mesh } from '@shop/kit';
import { contractProblems } from '@shop/testkit/src/event-contracts';
import { json } from '@shop/testkit/src/listen';
import { services } from '../../services/edge/src/services';
import { adminToken, bearer, newCustomer, postJson } from '../e2e/support/accounts';
import { eventually } from '../e2e/support/eventually';
import { get, orderReaching, payment, productWithStock, shippingAddress, testCards } from '../e2e/support/shop';
import { type SystemEmbeddedPlatform, startEmbeddedPlatform } from './support/embedded-platform';

/**
 * What every service really publishes, checked against the contracts in @shop/contracts: the whole platform
 * runs (embedded) through flows that between them publish every topic, and each event any service hands its
 * mesh must keep the contract of its topic exactly. Inventory's PostgreSQL fast path, which builds payloads
 * in SQL, is checked against a real PostgreSQL by services/inventory/test/infrastructure.
 */
const published: Array<{ publisher: string; topic: string; event: EventEnvelope }> = [];

function recording(publisher: string, mesh: Mesh): Mesh {
  return {
    invoke: (appId, path, request) => mesh.invoke(appId, path, request),
    state: mesh.state,
    async publish(topic, event) {
      published.push({ publisher, topic, event: JSON.parse(JSON.stringify(event)) as EventEnvelope });
      await mesh.publish(topic, event);
    },
  };
}

let shop: SystemEmbeddedPlatform;

beforeAll(async () => {
  // Each service's mesh, which its setup and the kit's outbox relay publish through.
  shop = await startEmbeddedPlatform(services, { name: 'published-events', wrapMesh: recording });
}, 60_000);

afterAll(() => shop?.stop());

async function send(method: string, path: string, token: string, body?: unknown): Promise<Response> {
  return fetch(`${shop.platform.url}${path}`, {
    method,
    headers: { ...bearer(token), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function place(token: string, productId: string, quantity: number, cardNumber?: string): Promise<string> {
  const res = await postJson(
    '/api/orders',
    { items: [{ productId, quantity }], shippingAddress, payment: payment(cardNumber) },
    bearer(token),
  );
  expect(res.status).toBe(202);
  return (await json(res)).id as string;
}

describe('what the services publish', () => {
  it('keeps the contract of its topic, for every topic of the platform', async () => {
    const admin = await adminToken();
    const customer = await newCustomer();

    // Catalog: created (with stock), updated, deleted.
    const productId = await productWithStock(10, 1500);
    const product = await json(await get(`/api/products/${productId}`));
    const { sku, name, description, price, categoryId } = product;
    const updated = await send('PUT', `/api/products/${productId}`, admin, {
      sku,
      name: `${name} (2)`,
      description,
      price,
      categoryId,
    });
    expect(updated.status).toBe(200);

    // A paid order taking the stock through the low-stock threshold, shipped and delivered.
    const delivered = await place(customer.accessToken, productId, 6);
    await orderReaching(delivered, customer.accessToken, ['Paid']);
    expect((await send('POST', `/api/orders/${delivered}/ship`, admin, { trackingNumber: 'TRK-1' })).status).toBe(200);
    expect((await send('POST', `/api/orders/${delivered}/deliver`, admin, {})).status).toBe(200);
    // A declined card, a shortage, and a paid order cancelled (refunded, its stock released).
    await orderReaching(await place(customer.accessToken, productId, 1, testCards.declined), customer.accessToken, [
      'Failed',
    ]);
    await orderReaching(await place(customer.accessToken, productId, 50), customer.accessToken, ['Failed']);
    const cancelled = await place(customer.accessToken, productId, 1);
    await orderReaching(cancelled, customer.accessToken, ['Paid']);
    expect((await send('POST', `/api/orders/${cancelled}/cancel`, customer.accessToken, {})).status).toBe(200);

    // A total above the review limit: held for review (order-held), then approved (order-approved) and paid.
    const pricey = await productWithStock(1, defaultReviewThresholds.reviewTotal + 1);
    const buyer = await newCustomer();
    const held = await place(buyer.accessToken, pricey, 1);
    await orderReaching(held, buyer.accessToken, ['OnHold']);
    expect((await send('POST', `/api/orders/${held}/review`, admin, { decision: 'approve' })).status).toBe(200);
    await orderReaching(held, buyer.accessToken, ['Paid']);

    // The cart: a customer's cart checked out.
    expect((await send('PUT', `/api/cart/items/${productId}`, customer.accessToken, { quantity: 1 })).status).toBe(200);
    const checkout = await send('POST', '/api/cart/checkout', customer.accessToken, {
      shippingAddress,
      payment: payment(),
    });
    expect(checkout.status).toBe(202);

    expect((await send('DELETE', `/api/products/${productId}`, admin)).status).toBe(204);
    // Identity: a change of language and phone number is announced, then the account is deleted.
    const profile = { locale: 'de-at', phone: '+49 170 1234567' };
    expect((await send('PATCH', '/api/customers/me', customer.accessToken, profile)).status).toBe(200);
    expect((await send('DELETE', '/api/customers/me', customer.accessToken)).status).toBe(204);

    const everyTopic = Object.values(topics);
    await eventually(async () => {
      const seen = new Set(published.map((entry) => entry.topic));
      // Reservations expiring (stock-released for 'expired') are proved in inventory's own tests.
      expect(everyTopic.filter((topic) => !seen.has(topic))).toEqual([]);
    }, 30_000);
    await shop.platform.bus.drain();

    expect(published.flatMap(({ topic, event }) => contractProblems(topic, event))).toEqual([]);
    // And each by the service that owns its topic (the mesh policy's publisher).
    expect(
      published.filter(({ publisher, topic }) => eventFlows[topic as keyof typeof eventFlows]?.publisher !== publisher),
    ).toEqual([]);
  }, 120_000);
});
