import { randomUUID } from 'node:crypto';
import { type OrderPlaced, type OrderStatusEvent, topics } from '@shop/contracts';
import {
  hubClient,
  nextInvocation,
  type ProtocolName,
  record,
  type TransportName,
} from '@shop/signalr/test/support/clients';
import { eventually } from '@shop/testkit/src/eventually';
import { endSession } from '@shop/testkit/src/jwt-fixture';
import jwt from 'jsonwebtoken';
import { type HubPlatform, startHubPlatform } from '../support/hub-platform';

let shop: HubPlatform;
const sessionCheckSeconds = 1;

beforeAll(async () => {
  shop = await startHubPlatform({ SESSION_CHECK_SECONDS: String(sessionCheckSeconds) });
});
afterAll(() => shop.stop());

function status(orderId: string, customerId: string, value: OrderStatusEvent['status']): OrderStatusEvent {
  return { orderId, customerId, status: value, at: new Date().toISOString() };
}

function placement(orderId: string, customerId: string): OrderPlaced {
  return {
    orderId,
    customerId,
    items: [{ productId: randomUUID(), quantity: 1, unitPrice: { amount: 600_000, currency: 'EUR' } }],
    total: { amount: 600_000, currency: 'EUR' },
    paymentMethodId: randomUUID(),
    placedAt: new Date().toISOString(),
  };
}

describe('the orders hub', () => {
  it('closes the connections of a login that ended, within 1.5 × SESSION_CHECK_SECONDS, and no others', async () => {
    const customerId = randomUUID();
    const [endingToken, otherToken] = [shop.customerToken(customerId), shop.customerToken(customerId)];
    const ending = hubClient(`${shop.url}/hubs/orders`, { token: endingToken });
    const other = hubClient(`${shop.url}/hubs/orders`, { token: otherToken });
    await Promise.all([ending.start(), other.start()]);
    try {
      const closed = new Promise<{ afterMs: number; error?: Error }>((resolve) => {
        ending.onclose((error) => resolve({ afterMs: Date.now() - endedAt, ...(error ? { error } : {}) }));
      });
      const endedAt = Date.now();
      endSession((jwt.decode(endingToken) as { sid: string }).sid);
      const { afterMs, error } = await closed;
      expect(afterMs).toBeLessThanOrEqual(1.5 * sessionCheckSeconds * 1000 + 500);
      expect(error?.message).toContain('The login has ended.');
      expect(other.state).toBe('Connected');
    } finally {
      await Promise.all([ending.stop(), other.stop()]);
    }
  });

  it('refuses negotiate without a valid access token', async () => {
    const none = await fetch(`${shop.url}/hubs/orders/negotiate?negotiateVersion=1`, { method: 'POST' });
    expect(none.status).toBe(401);
    const bad = await fetch(`${shop.url}/hubs/orders/negotiate?negotiateVersion=1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${shop.customerToken(randomUUID()).slice(0, -4)}AAAA` },
    });
    expect(bad.status).toBe(401);
    await expect(hubClient(`${shop.url}/hubs/orders`).start()).rejects.toThrow(/401/);
  });

  it.each<[TransportName, ProtocolName]>([
    ['WebSockets', 'json'],
    ['WebSockets', 'messagepack'],
    ['ServerSentEvents', 'json'],
    ['LongPolling', 'messagepack'],
  ])("tells a customer's clients over %s (%s) about their own orders, and nobody else", async (transport, protocol) => {
    const [ada, grace] = [randomUUID(), randomUUID()];
    const adaClient = hubClient(`${shop.url}/hubs/orders`, { transport, protocol, token: shop.customerToken(ada) });
    const graceClient = hubClient(`${shop.url}/hubs/orders`, { transport, protocol, token: shop.customerToken(grace) });
    await Promise.all([adaClient.start(), graceClient.start()]);
    try {
      const graceHeard = record(graceClient, 'OrderStatusChanged');
      const orderId = randomUUID();
      const paid = nextInvocation(adaClient, 'OrderStatusChanged');
      const event = status(orderId, ada, 'Paid');
      await shop.orderStatus(topics.orderPaid, event);
      expect(await paid).toEqual([{ orderId, status: 'Paid', at: event.at }]);
      expect(graceHeard).toEqual([]);
    } finally {
      await Promise.all([adaClient.stop(), graceClient.stop()]);
    }
  });

  it('announces placement as Pending, carries the failure reason, and never goes back in time', async () => {
    const customerId = randomUUID();
    const client = hubClient(`${shop.url}/hubs/orders`, { token: shop.customerToken(customerId) });
    await client.start();
    try {
      const heard = record(client, 'OrderStatusChanged');
      const [shipped, failed] = [randomUUID(), randomUUID()];
      const placedAt = new Date().toISOString();
      await shop.orderPlaced({
        orderId: shipped,
        customerId,
        items: [{ productId: randomUUID(), quantity: 1, unitPrice: { amount: 100, currency: 'EUR' } }],
        total: { amount: 100, currency: 'EUR' },
        paymentMethodId: randomUUID(),
        placedAt,
      });
      const paidEvent = await shop.orderStatus(topics.orderPaid, status(shipped, customerId, 'Paid'));
      await shop.orderStatus(topics.orderShipped, status(shipped, customerId, 'Shipped'));
      // A redelivered Paid after Shipped changes nothing on the client.
      await shop.orderStatus(topics.orderPaid, paidEvent.data, paidEvent.id);
      await shop.orderStatus(topics.orderPaid, status(shipped, customerId, 'Paid'));
      await shop.orderStatus(topics.orderFailed, {
        ...status(failed, customerId, 'Failed'),
        failureReason: 'PaymentDeclined',
      });
      await eventually(() =>
        expect(heard.map(([message]) => message)).toEqual([
          { orderId: shipped, status: 'Pending', at: placedAt },
          expect.objectContaining({ orderId: shipped, status: 'Paid' }),
          expect.objectContaining({ orderId: shipped, status: 'Shipped' }),
          expect.objectContaining({ orderId: failed, status: 'Failed', failureReason: 'PaymentDeclined' }),
        ]),
      );
    } finally {
      await client.stop();
    }
  });

  it('tells the owner a held order is OnHold and, once approved, Pending again; a late placement never undoes the hold', async () => {
    const [owner, other] = [randomUUID(), randomUUID()];
    const ownerClient = hubClient(`${shop.url}/hubs/orders`, { token: shop.customerToken(owner) });
    const otherClient = hubClient(`${shop.url}/hubs/orders`, { token: shop.customerToken(other) });
    await Promise.all([ownerClient.start(), otherClient.start()]);
    try {
      const heard = record(ownerClient, 'OrderStatusChanged');
      const otherHeard = record(otherClient, 'OrderStatusChanged');
      const [approved, rejected] = [randomUUID(), randomUUID()];
      const held = await shop.orderStatus(topics.orderHeld, status(approved, owner, 'OnHold'));
      // The placement comes after its hold (two topics, any order), and the hold is delivered again.
      await shop.orderPlaced(placement(approved, owner));
      await shop.orderStatus(topics.orderHeld, held.data, held.id);
      const approval = await shop.orderStatus(topics.orderApproved, status(approved, owner, 'Pending'));
      await shop.orderStatus(topics.orderHeld, held.data, held.id);
      await shop.orderStatus(topics.orderApproved, approval.data, approval.id);
      await shop.orderStatus(topics.orderPaid, status(approved, owner, 'Paid'));
      await shop.orderPlaced(placement(rejected, owner));
      await shop.orderStatus(topics.orderHeld, status(rejected, owner, 'OnHold'));
      await shop.orderStatus(topics.orderFailed, {
        ...status(rejected, owner, 'Failed'),
        failureReason: 'FraudSuspected',
      });
      await eventually(() =>
        expect(heard.map(([message]) => message)).toEqual([
          { orderId: approved, status: 'OnHold', at: held.data.at },
          { orderId: approved, status: 'Pending', at: approval.data.at },
          expect.objectContaining({ orderId: approved, status: 'Paid' }),
          expect.objectContaining({ orderId: rejected, status: 'Pending' }),
          expect.objectContaining({ orderId: rejected, status: 'OnHold' }),
          expect.objectContaining({ orderId: rejected, status: 'Failed', failureReason: 'FraudSuspected' }),
        ]),
      );
      expect(otherHeard).toEqual([]);
    } finally {
      await Promise.all([ownerClient.stop(), otherClient.stop()]);
    }
  });

  it('serves the WebSocket upgrade for its own paths only', async () => {
    const res = await fetch(`${shop.url}/hubs/nowhere/negotiate`, { method: 'POST' });
    expect(res.status).toBe(404);
    const client = hubClient(`${shop.url}/hubs/nowhere`, { http: { skipNegotiation: true } });
    await expect(client.start()).rejects.toThrow();
  });
});

describe('the hub service', () => {
  it('documents negotiate and the transports of every hub, the client endpoint and the REST API at /openapi/hub.json', async () => {
    const res = await fetch(`${shop.url}/openapi/hub.json`);
    expect(res.status).toBe(200);
    const document = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
    const paths = Object.keys(document.paths);
    expect(paths.filter((path) => !path.startsWith('/api/')).sort()).toEqual([
      '/client',
      '/client/negotiate',
      '/hubs/analytics',
      '/hubs/analytics/negotiate',
      '/hubs/inventory',
      '/hubs/inventory/negotiate',
      '/hubs/notifications',
      '/hubs/notifications/negotiate',
      '/hubs/orders',
      '/hubs/orders/negotiate',
    ]);
    expect(paths).toEqual(
      expect.arrayContaining(['/api/v1/hubs/{hub}', '/api/hubs/{hub}/:send', '/api/hubs/{hub}/groups/{group}']),
    );
    expect(document.paths['/api/hubs/{hub}/:send']?.post).toEqual(
      expect.objectContaining({ security: [{ accessKey: [] }] }),
    );
    expect(document.paths['/hubs/orders/negotiate']?.post).toEqual(
      expect.objectContaining({ security: [{ bearer: [] }] }),
    );
  });
});
