import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { type EventEnvelope, type OrderPlaced, type OrderStatusEvent, type Topic, topics } from '@shop/contracts';
import type { ServiceManifest } from '@shop/kit';
import { hubClient, nextInvocation, record } from '@shop/signalr/test/support/clients';
import { type FixturePlatform, startWithFixtureIdentity } from '@shop/testkit/src/embedded-with-fixture';
import { signToken } from '@shop/testkit/src/jwt-fixture';
import { hubService } from '../../hub/src/service';
import type { Summary } from '../src/application/read-metrics';
import { analyticsService } from '../src/service';

// The analytics service as the platform hosts it (embedded: the kit's host, the in-process mesh, a SQLite file)
// beside the real hub, so that its live figures go through the hub's REST API to real /hubs/analytics clients.

const liveIntervalMs = 200;
let shop: FixturePlatform;
let admin: string;
let customer: string;

beforeAll(async () => {
  shop = await startWithFixtureIdentity([hubService as ServiceManifest, analyticsService as ServiceManifest], {
    name: 'analytics',
    env: { ANALYTICS_LIVE_INTERVAL_MS: String(liveIntervalMs) },
  });
  admin = signToken(shop.key, { roles: ['admin'] }, { subject: randomUUID() });
  customer = signToken(shop.key, { roles: ['customer'] }, { subject: randomUUID() });
}, 60_000);
afterAll(() => shop?.stop());

/** Raw HTTP, so that the query reaches the service exactly as written. */
function get(path: string, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const url = new URL(shop.platform.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path,
        method: 'GET',
        headers: token ? { authorization: `Bearer ${token}` } : {},
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function publish<T>(from: string, topic: Topic, data: T): Promise<void> {
  const event: EventEnvelope<T> = { id: randomUUID(), type: topic, occurredAt: new Date().toISOString(), data };
  await shop.platform.bus.meshFor(from).publish(topic, event);
}

function placed(total = 1999): OrderPlaced {
  return {
    orderId: randomUUID(),
    customerId: randomUUID(),
    items: [{ productId: randomUUID(), quantity: 1, unitPrice: { amount: total, currency: 'EUR' } }],
    total: { amount: total, currency: 'EUR' },
    paymentMethodId: 'pm_1',
    placedAt: new Date().toISOString(),
  };
}

describe('the analytics endpoints', () => {
  it.each([
    '/api/analytics/summary',
    '/api/analytics/sales',
    '/api/analytics/top-products',
    '/api/analytics/stock-outlook',
  ])('%s answer admins only: 401 without a token, 403 for a customer', async (path) => {
    expect((await get(path)).status).toBe(401);
    expect((await get(path, customer)).status).toBe(403);
    expect((await get(path, admin)).status).toBe(200);
  });

  it('default to the last 30 days and list every day of the range, empty ones as zeros', async () => {
    const summary = await get('/api/analytics/summary', admin);
    const from = Date.parse(summary.body.from as string);
    const to = Date.parse(summary.body.to as string);
    expect(to - from).toBe(30 * 86_400_000);
    expect(Math.abs(Date.now() - to)).toBeLessThan(60_000);
    const sales = await get('/api/analytics/sales?from=2025-01-01T00:00:00Z&to=2025-01-08T00:00:00Z', admin);
    expect(sales.body).toEqual({
      interval: 'day',
      points: Array.from({ length: 7 }, (_, day) => ({
        at: `2025-01-0${day + 1}T00:00:00.000Z`,
        orders: 0,
        revenue: [],
      })),
    });
  });

  it.each([
    ['/api/analytics/summary?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'query.to'],
    ['/api/analytics/summary?from=2026-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'query.to'],
    ['/api/analytics/sales?from=2024-01-01T00:00:00Z&to=2025-01-02T00:00:00Z', 'query.to'],
    ['/api/analytics/top-products?from=not-a-date', 'query.from'],
    ['/api/analytics/sales?interval=week', 'query.interval'],
    ['/api/analytics/top-products?limit=0', 'query.limit'],
    ['/api/analytics/stock-outlook?limit=1000', 'query.limit'],
  ])('refuse %s with 400 naming %s', async (path, field) => {
    const answer = await get(path, admin);
    expect(answer.status).toBe(400);
    expect((answer.body.errors as Array<{ path: string }>).map((error) => error.path)).toContain(field);
  });

  it('describe themselves in the OpenAPI document', async () => {
    const document = await get('/openapi/analytics.json');
    const paths = Object.keys((document.body.paths ?? {}) as object);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/analytics/summary',
        '/api/analytics/sales',
        '/api/analytics/top-products',
        '/api/analytics/stock-outlook',
      ]),
    );
  });
});

describe('hub analytics', () => {
  const url = () => `${shop.platform.url}/hubs/analytics`;

  it('refuses a customer token (403) and a missing one (401)', async () => {
    await expect(hubClient(url(), { token: customer }).start()).rejects.toThrow(/403/);
    await expect(hubClient(url()).start()).rejects.toThrow(/401/);
  });

  it('sends an admin MetricsChanged(summary) after orders, coalesced, the latest figures last', async () => {
    const before = (await get('/api/analytics/summary', admin)).body as unknown as Summary;
    const client = hubClient(url(), { token: admin });
    await client.start();
    try {
      const heard = record(client, 'MetricsChanged');
      const first = nextInvocation(client, 'MetricsChanged');
      await publish('orders', topics.orderPlaced, placed());
      const [summary] = (await first) as [Summary];
      expect(summary.orders.placed).toBe(before.orders.placed + 1);

      // A burst of 40 orders within a moment: a few sends, not 40, and the last one counts them all.
      const started = Date.now();
      await Promise.all(Array.from({ length: 40 }, () => publish('orders', topics.orderPlaced, placed())));
      const expected = before.orders.placed + 41;
      const deadline = Date.now() + 5_000;
      while (Date.now() < deadline) {
        const last = heard.at(-1)?.[0] as Summary | undefined;
        if (last?.orders.placed === expected) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const elapsed = Date.now() - started;
      const burstSends = heard.length - 1;
      expect((heard.at(-1)?.[0] as Summary | undefined)?.orders.placed).toBe(expected);
      expect(burstSends).toBeGreaterThanOrEqual(1);
      expect(burstSends).toBeLessThanOrEqual(Math.ceil(elapsed / liveIntervalMs) + 1);
      // Nothing more is sent once the figures stopped changing.
      await new Promise((resolve) => setTimeout(resolve, liveIntervalMs * 3));
      expect(heard.length).toBe(burstSends + 1);
    } finally {
      await client.stop();
    }
  });

  it('counts an order held for fraud review in the live summary (orders.held) and in the endpoint', async () => {
    const before = (await get('/api/analytics/summary', admin)).body as unknown as Summary;
    const client = hubClient(url(), { token: admin });
    await client.start();
    try {
      const heard = record(client, 'MetricsChanged');
      const order = placed(600_000);
      await publish('orders', topics.orderPlaced, order);
      await publish<OrderStatusEvent>('orders', topics.orderHeld, {
        orderId: order.orderId,
        customerId: order.customerId,
        status: 'OnHold',
        at: new Date().toISOString(),
      });
      const deadline = Date.now() + 5_000;
      while (
        Date.now() < deadline &&
        (heard.at(-1)?.[0] as Summary | undefined)?.orders.held !== before.orders.held + 1
      ) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect((heard.at(-1)?.[0] as Summary | undefined)?.orders).toMatchObject({
        placed: before.orders.placed + 1,
        held: before.orders.held + 1,
      });
      const after = (await get('/api/analytics/summary', admin)).body as unknown as Summary;
      expect(after.orders.held).toBe(before.orders.held + 1);
    } finally {
      await client.stop();
    }
  });
});
