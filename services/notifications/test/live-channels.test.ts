import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { topics } from '@shop/contracts';
import { hubClient, nextInvocation, record } from '@shop/signalr/test/support/clients';
import { type Listening, listen } from '@shop/testkit/src/listen';
import { eventually, type NotificationsPlatform, startNotifications } from './support/notifications-platform';

// The in-app and SMS channels end to end: the notifications service (embedded) pushes through the real hub's REST
// API to the customer's /hubs/notifications connections, and sends SMS to a local server standing in for a
// Twilio-style provider.

const accountSid = 'AC00000000000000000000000000000001';
const authToken = 'sms-provider-token';
const unreachableNumber = '+15005550001';

let shop: NotificationsPlatform;
let provider: Listening;
const texts: Array<Record<string, string>> = [];

async function standIn(req: IncomingMessage, res: ServerResponse) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
  const authorized =
    req.headers.authorization === `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
  const answer = (status: number, body: object) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (!authorized || req.url !== `/2010-04-01/Accounts/${accountSid}/Messages.json`) {
    answer(401, { code: 20003, message: 'Authenticate', status: 401 });
  } else if (form.To === unreachableNumber) {
    answer(400, { code: 21211, message: `The 'To' number ${form.To} is not a valid phone number.`, status: 400 });
  } else {
    texts.push(form);
    answer(201, { sid: `SM${texts.length}`, status: 'queued' });
  }
}

beforeAll(async () => {
  provider = await listen((req, res) => void standIn(req, res));
  shop = await startNotifications({
    env: {
      SMS_API_URL: provider.url,
      SMS_ACCOUNT_SID: accountSid,
      SMS_AUTH_TOKEN: authToken,
      SMS_FROM: 'Shop',
      // Long enough that a retried SMS would show as Pending, not Failed, within the test.
      NOTIFICATION_RETRY_FOR_SECONDS: '60',
    },
  });
});
afterAll(async () => {
  await shop.stop();
  await provider.close();
});

describe('in-app notifications pushed through the hub', () => {
  it("reach the customer's /hubs/notifications connections as they are recorded, and no one else's", async () => {
    const [ada, grace] = [randomUUID(), randomUUID()];
    const adaClient = hubClient(`${shop.platform.url}/hubs/notifications`, { token: shop.tokenOf(ada) });
    const graceClient = hubClient(`${shop.platform.url}/hubs/notifications`, { token: shop.tokenOf(grace) });
    await Promise.all([adaClient.start(), graceClient.start()]);
    try {
      const graceHeard = record(graceClient, 'Notification');
      const welcome = nextInvocation(adaClient, 'Notification');
      await shop.registered({ customerId: ada, name: 'Ada Lovelace', locale: 'en' });
      const [pushed] = (await welcome) as [Record<string, unknown>];
      const listed = await shop.request('GET', '/api/notifications', { token: shop.tokenOf(ada) });
      const [stored] = (listed.body as { items: Array<Record<string, unknown>> }).items;
      const { readAt: _unread, ...storedWithoutReadAt } = stored as Record<string, unknown>;
      expect(pushed).toEqual(storedWithoutReadAt);
      expect(pushed).toMatchObject({ type: 'Welcome', id: expect.any(String), title: expect.any(String) });

      const orderId = randomUUID();
      const shipped = nextInvocation(adaClient, 'Notification');
      await shop.order(topics.orderShipped, { orderId, customerId: ada, status: 'Shipped' });
      expect((await shipped)[0]).toMatchObject({ type: 'OrderShipped', orderId });
      const log = await eventually(async () => {
        const sent = await shop.log({ customerId: ada, channel: 'inApp', status: 'Sent' });
        return sent.items.length === 2 && sent.items;
      });
      expect(log.map((entry) => entry.attempts)).toEqual([1, 1]);
      expect(graceHeard).toEqual([]);
    } finally {
      await Promise.all([adaClient.stop(), graceClient.stop()]);
    }
  });
});

describe('SMS through a Twilio-style provider', () => {
  async function customerWithPhone(phone: string) {
    const customerId = randomUUID();
    const customer = await shop.registered({ customerId, locale: 'de' });
    const token = shop.tokenOf(customerId);
    await shop.updated({
      customerId,
      email: customer.email,
      name: customer.name,
      locale: 'de',
      phone,
      updatedAt: new Date(Date.now() + 1000).toISOString(),
    });
    const opted = await shop.request('PUT', '/api/notifications/preferences', {
      token,
      body: { email: true, sms: true, inApp: true },
    });
    expect(opted.status).toBe(200);
    return customerId;
  }

  it('texts a customer who opted in and gave a number, once, in their language', async () => {
    const customerId = await customerWithPhone('+491701234567');
    const orderId = randomUUID();
    await shop.order(topics.orderShipped, { orderId, customerId, status: 'Shipped' });
    const [entry] = await eventually(async () => {
      const sent = await shop.log({ customerId, channel: 'sms', status: 'Sent' });
      return sent.items.length === 1 && sent.items;
    });
    expect(entry).toMatchObject({ type: 'OrderShipped', attempts: 1 });
    const mine = texts.filter((text) => text.To === '+491701234567');
    expect(mine).toEqual([
      expect.objectContaining({
        From: 'Shop',
        Body: expect.stringContaining(`Ihre Bestellung ${orderId} wurde versandt.`),
      }),
    ]);
  });

  it('fails an SMS the provider refuses for good at once, with its reason in the log', async () => {
    const customerId = await customerWithPhone(unreachableNumber);
    await shop.order(topics.orderShipped, { orderId: randomUUID(), customerId, status: 'Shipped' });
    const [entry] = await eventually(async () => {
      const failed = await shop.log({ customerId, channel: 'sms', status: 'Failed' });
      return failed.items.length === 1 && failed.items;
    });
    expect(entry).toMatchObject({ attempts: 1, error: expect.stringContaining('(code 21211)') });
  });
});
