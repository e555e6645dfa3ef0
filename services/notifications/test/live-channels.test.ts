import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HubConnection } from '@microsoft/signalr';
import { type EventEnvelope, type OrderStatusEvent, topics } from '@shop/contracts';
import type { ServiceManifest } from '@shop/kit';
import { hubClient, nextInvocation, record } from '@shop/signalr/test/support/clients';
import { type FixturePlatform, startWithFixtureIdentity } from '@shop/testkit/src/embedded-with-fixture';
import { signToken } from '@shop/testkit/src/jwt-fixture';
import { type Listening, listen } from '@shop/testkit/src/listen';
import { hubService } from '../../hub/src/service';
import { notificationsService } from '../src/service';
import { eventually } from './support/notifications-platform';
import { type SmtpInbox, startSmtpInbox } from './support/smtp-inbox';

// The notifications service beside the real hub (embedded, as `npm start` hosts them): in-app notifications
// reach the customer's /hubs/notifications connections through the hub's REST API, and SMS go to a local
// stand-in of a Twilio-style provider that keeps what it accepted and refuses numbers it is told to.

const accountSid = 'AC0123456789abcdef0123456789abcdef';
const unreachableNumber = '+15005550009';
let shop: FixturePlatform;
let url: string;
const tokenOf = (customerId: string, roles = ['customer']) => signToken(shop.key, { roles }, { subject: customerId });
let smtp: SmtpInbox;
let provider: Listening;
const texts: Array<{ to: string; body: string; idempotencyKey: string | undefined }> = [];
const connections: HubConnection[] = [];

async function standIn(req: IncomingMessage, res: ServerResponse) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
  if (form.To === unreachableNumber) {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ code: 21614, message: "'To' number is not a valid mobile number", status: 400 }));
    return;
  }
  texts.push({ to: form.To ?? '', body: form.Body ?? '', idempotencyKey: req.headers['idempotency-key'] as string });
  res.writeHead(201, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ sid: `SM${randomUUID().replace(/-/g, '')}`, status: 'queued' }));
}

beforeAll(async () => {
  smtp = await startSmtpInbox();
  provider = await listen((req, res) => void standIn(req, res));
  shop = await startWithFixtureIdentity([hubService as ServiceManifest, notificationsService as ServiceManifest], {
    name: 'live-channels',
    env: {
      SMTP_URL: smtp.url,
      NOTIFICATION_SEND_INTERVAL_MS: '25',
      HUB_ACCESS_KEY: 'notifications-live-hub-access-key-0123456789',
      SMS_API_URL: provider.url,
      SMS_ACCOUNT_SID: accountSid,
      SMS_AUTH_TOKEN: 'provider-auth-token',
      SMS_FROM: '+15005550006',
    },
  });
  url = shop.platform.url;
});
afterAll(async () => {
  await Promise.all(connections.map((connection) => connection.stop()));
  await shop.stop();
  await provider.close();
  await smtp.close();
});

async function publish<T>(from: string, topic: string, data: T, id = randomUUID()) {
  const event: EventEnvelope<T> = { id, type: topic, occurredAt: new Date().toISOString(), data };
  await shop.platform.bus.meshFor(from).publish(topic, event);
  return event;
}

async function customer(profile: { locale?: string; phone?: string } = {}) {
  const customerId = randomUUID();
  const email = `${customerId.slice(0, 8)}@example.com`;
  const token = tokenOf(customerId);
  await publish('identity', topics.customerRegistered, {
    customerId,
    email,
    name: 'Ada',
    registeredAt: new Date().toISOString(),
  });
  if (profile.phone || profile.locale) {
    await publish('identity', topics.customerUpdated, {
      customerId,
      email,
      name: 'Ada',
      locale: profile.locale ?? 'en',
      phone: profile.phone ?? null,
      updatedAt: new Date(Date.now() + 1).toISOString(),
    });
  }
  return { customerId, email, token };
}

async function request(method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function connect(token: string) {
  const connection = hubClient(`${url}/hubs/notifications`, { token });
  connections.push(connection);
  await connection.start();
  return connection;
}

const paid = (customerId: string): OrderStatusEvent => ({
  orderId: randomUUID(),
  customerId,
  status: 'Paid',
  at: new Date().toISOString(),
  total: { amount: 2500, currency: 'EUR' },
  cardLast4: '4242',
});

describe('in-app notifications pushed live through the hub', () => {
  it("reach the customer's own connections on /hubs/notifications, and nobody else's", async () => {
    const ada = await customer();
    const eve = await customer();
    const adaConnection = await connect(ada.token);
    const eveSeen = record(await connect(eve.token), 'Notification');
    const next = nextInvocation(adaConnection, 'Notification');
    const order = paid(ada.customerId);
    await publish('orders', topics.orderPaid, order);
    const [pushed] = (await next) as [Record<string, unknown>];
    // The Welcome may come first; wait for the order's.
    const notification =
      pushed.orderId === order.orderId
        ? pushed
        : ((await nextInvocation(adaConnection, 'Notification'))[0] as Record<string, unknown>);
    expect(notification).toEqual({
      id: expect.any(String),
      type: 'OrderConfirmed',
      title: `Your order ${order.orderId} is confirmed`,
      body: expect.stringContaining('of €25.00 from the card ending in 4242'),
      orderId: order.orderId,
      createdAt: expect.any(String),
    });
    const list = await request('GET', '/api/notifications', ada.token);
    expect((list.body.items as Array<{ id: string }>)[0]?.id).toBe(notification.id);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(eveSeen.map(([seen]) => (seen as { orderId?: string }).orderId)).not.toContain(order.orderId);
  });
});

describe('SMS through the provider port', () => {
  it('texts a customer who gave a phone number and opted in, once per event', async () => {
    const ada = await customer({ phone: '+491701234567', locale: 'de' });
    await request('PUT', '/api/notifications/preferences', ada.token, { email: true, sms: true, inApp: true });
    const order = paid(ada.customerId);
    const eventId = randomUUID();
    await publish('orders', topics.orderPaid, order, eventId);
    await publish('orders', topics.orderPaid, order, eventId);
    const [text] = await eventually(() => {
      const mine = texts.filter((candidate) => candidate.to === '+491701234567');
      return mine.length > 0 && mine;
    });
    expect(text?.body).toContain(`vielen Dank für Ihre Bestellung ${order.orderId}`);
    expect(text?.idempotencyKey).toBe(`${eventId}:sms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(texts.filter((candidate) => candidate.to === '+491701234567')).toHaveLength(1);
  });

  it('fails an SMS the provider refuses for good at the first attempt, with its reason in the log', async () => {
    const ada = await customer({ phone: unreachableNumber });
    await request('PUT', '/api/notifications/preferences', ada.token, { email: false, sms: true, inApp: false });
    await publish('orders', topics.orderDelivered, { ...paid(ada.customerId), status: 'Delivered' });
    const admin = tokenOf(randomUUID(), ['admin']);
    const [entry] = await eventually(async () => {
      const answer = await request(
        'GET',
        `/api/admin/notifications?customerId=${ada.customerId}&channel=sms&status=Failed`,
        admin,
      );
      const items = answer.body.items as Array<Record<string, unknown>>;
      return items.length === 1 && items;
    });
    expect(entry).toMatchObject({ type: 'OrderDelivered', status: 'Failed', attempts: 1 });
    expect(entry?.error).toContain('not a valid mobile number');
  });
});
