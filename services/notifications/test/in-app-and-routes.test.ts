import { randomUUID } from 'node:crypto';
import { topics } from '@shop/contracts';
import { eventually, type NotificationsPlatform, startNotifications } from './support/notifications-platform';

let shop: NotificationsPlatform;

beforeAll(async () => {
  shop = await startNotifications();
});
afterAll(() => shop.stop());

async function customerWithOrders(count: number) {
  const customer = await shop.registered({ locale: 'en' });
  const token = shop.tokenOf(customer.customerId);
  const stored = async (expected: number) => {
    const list = await shop.request('GET', '/api/notifications?limit=100', { token });
    return (list.body as { items: unknown[] }).items.length === expected;
  };
  await eventually(() => stored(1));
  const orderIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const orderId = randomUUID();
    orderIds.push(orderId);
    await shop.order(topics.orderDelivered, { orderId, customerId: customer.customerId, status: 'Delivered' });
    // One at a time: each is stored before the next, so "newest first" is the order they were published in.
    await eventually(() => stored(i + 2));
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return { ...customer, token, orderIds };
}

describe('in-app notifications', () => {
  it("lists the customer's own notifications newest first, page by page", async () => {
    const customer = await customerWithOrders(4);
    await customerWithOrders(1); // someone else's never shows
    const seen: Array<Record<string, unknown>> = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : '?limit=2';
      const page = await shop.request('GET', `/api/notifications${query}`, { token: customer.token });
      expect(page.status).toBe(200);
      const body = page.body as { items: Array<Record<string, unknown>>; nextCursor: string | null };
      expect(body.items.length).toBeLessThanOrEqual(2);
      seen.push(...body.items);
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen.map((item) => item.type)).toEqual([
      'OrderDelivered',
      'OrderDelivered',
      'OrderDelivered',
      'OrderDelivered',
      'Welcome',
    ]);
    expect(seen.slice(0, 4).map((item) => item.orderId)).toEqual([...customer.orderIds].reverse());
    expect(seen[0]).toMatchObject({
      title: `Your order ${customer.orderIds[3]} was delivered`,
      readAt: null,
    });
    expect(seen[0]?.body).toContain('was delivered. We hope you enjoy it.');
  });

  it('marks a notification read once, and another customer gets 404 for it', async () => {
    const customer = await customerWithOrders(1);
    const other = await customerWithOrders(0);
    const list = await shop.request('GET', '/api/notifications', { token: customer.token });
    const [newest] = (list.body as { items: Array<{ id: string }> }).items;
    const path = `/api/notifications/${newest?.id}/read`;
    expect((await shop.request('POST', path, { token: other.token })).status).toBe(404);
    const read = await shop.request('POST', path, { token: customer.token });
    expect(read.status).toBe(200);
    expect(typeof read.body?.readAt).toBe('string');
    const again = await shop.request('POST', path, { token: customer.token });
    expect(again.body?.readAt).toBe(read.body?.readAt);
    expect(
      (await shop.request('POST', `/api/notifications/${randomUUID()}/read`, { token: customer.token })).status,
    ).toBe(404);
  });

  it('records the in-app delivery as Sent once the hub took it', async () => {
    const customer = await customerWithOrders(0);
    const [entry] = await eventually(async () => {
      const log = await shop.log({ customerId: customer.customerId, channel: 'inApp', status: 'Sent' });
      return log.items.length === 1 && log.items;
    });
    expect(entry).toMatchObject({ type: 'Welcome', channel: 'inApp', status: 'Sent', attempts: 1 });
  });

  it('forgets a deleted customer’s notifications', async () => {
    const customer = await customerWithOrders(1);
    await shop.publish('identity', topics.customerDeleted, {
      customerId: customer.customerId,
      deletedAt: new Date().toISOString(),
    });
    await eventually(async () => {
      const list = await shop.request('GET', '/api/notifications', { token: customer.token });
      return (list.body as { items: unknown[] }).items.length === 0;
    });
  });
});

describe('preferences', () => {
  it('answers the defaults until the customer sets their own', async () => {
    const customer = await customerWithOrders(0);
    expect(await shop.request('GET', '/api/notifications/preferences', { token: customer.token })).toEqual({
      status: 200,
      body: { email: true, sms: false, inApp: true },
    });
    await shop.request('PUT', '/api/notifications/preferences', {
      token: customer.token,
      body: { email: true, sms: true, inApp: false },
    });
    expect((await shop.request('GET', '/api/notifications/preferences', { token: customer.token })).body).toEqual({
      email: true,
      sms: true,
      inApp: false,
    });
  });

  it('refuses a body that is not three booleans with 400 naming each field', async () => {
    const customer = await customerWithOrders(0);
    const answer = await shop.request('PUT', '/api/notifications/preferences', {
      token: customer.token,
      body: { email: 'yes', inApp: true },
    });
    expect(answer.status).toBe(400);
    const paths = (answer.body as { errors: Array<{ path: string }> }).errors.map((error) => error.path).sort();
    expect(paths).toEqual(['body.email', 'body.sms']);
  });
});

describe('the delivery log', () => {
  it('filters by customer, channel and status', async () => {
    const customer = await customerWithOrders(2);
    const entries = await eventually(async () => {
      const log = await shop.log({ customerId: customer.customerId });
      return log.items.filter((entry) => entry.status !== 'Skipped').length === 6 && log.items;
    });
    expect(entries.every((entry) => entry.customerId === customer.customerId)).toBe(true);
    expect(entries.filter((entry) => entry.channel === 'sms').map((entry) => entry.status)).toEqual([
      'Skipped',
      'Skipped',
      'Skipped',
    ]);
    const emails = await shop.log({ customerId: customer.customerId, channel: 'email', status: 'Sent' });
    expect(emails.items.map((entry) => entry.type)).toEqual(['OrderDelivered', 'OrderDelivered', 'Welcome']);
    expect(emails.items[0]).toEqual({
      id: expect.any(String),
      customerId: customer.customerId,
      type: 'OrderDelivered',
      channel: 'email',
      status: 'Sent',
      attempts: 1,
      createdAt: expect.any(String),
      sentAt: expect.any(String),
    });
  });

  it('refuses unknown filters with 400 naming them, and customers with 403', async () => {
    const bad = await shop.request('GET', '/api/admin/notifications?channel=fax&status=Pending&customerId=x', {
      token: shop.admin,
    });
    expect(bad.status).toBe(400);
    expect((bad.body as { errors: Array<{ path: string }> }).errors.map((error) => error.path).sort()).toEqual([
      'query.channel',
      'query.customerId',
      'query.status',
    ]);
    const customer = await customerWithOrders(0);
    expect((await shop.request('GET', '/api/admin/notifications', { token: customer.token })).status).toBe(403);
    expect((await shop.request('GET', '/api/notifications')).status).toBe(401);
  });
});

describe('the OpenAPI document', () => {
  it('describes every public route with who may call it, from the schemas that validate requests', async () => {
    const document = (await (await fetch(`${shop.platform.url}/openapi/notifications.json`)).json()) as {
      paths: Record<string, Record<string, { 'x-access': string; parameters?: Array<{ name: string }> }>>;
    };
    expect(Object.keys(document.paths).sort()).toEqual([
      '/api/admin/dead-letters/notifications',
      '/api/admin/dead-letters/notifications/{id}',
      '/api/admin/dead-letters/notifications/{id}/replay',
      '/api/admin/notifications',
      '/api/notifications',
      '/api/notifications/preferences',
      '/api/notifications/{id}/read',
    ]);
    expect(document.paths['/api/admin/notifications']?.get?.['x-access']).toBe('admin');
    expect(document.paths['/api/notifications/preferences']?.put?.['x-access']).toBe('customer');
    expect(document.paths['/api/admin/notifications']?.get?.parameters?.map((p) => p.name).sort()).toEqual([
      'channel',
      'cursor',
      'customerId',
      'limit',
      'status',
    ]);
  });
});
