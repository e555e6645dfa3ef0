// Notifications as a customer and an operator meet them, in both topologies. The emails are the ones the platform
// really sent over SMTP: the set-up gives the platform an SMTP server of its own as SMTP_URL (support/mail-catcher.ts)
// and each one is read back from there as a mail client would (mailparser).
import { json } from '@shop/testkit/src/listen';
import { adminToken, bearer, newCustomer, postJson, type TestCustomer } from './support/accounts';
import { baseUrl } from './support/base-url';
import { eventually } from './support/eventually';
import { type CaughtMail, mailsTo } from './support/mail-catcher';
import { get, orderReaching, payment, productWithStock, shippingAddress, testCards } from './support/shop';

/** MAIL_FROM's default (CONTRACT.md, Notifications); the set-ups leave it unset. */
const defaultSender = { name: 'Shop', address: 'no-reply@shop.local' };

/** How long an email may take: the saga, the sender's pace and SMTP, on a machine busy with the whole suite. */
const emailWaitMs = 30_000;
/** Each test's own budget: a few of those waits. */
const notificationTestMs = 90_000;

/**
 * The email to `email` with this subject, once it arrived, checking it is the only one. Emails of different events
 * come in any order (the sender sends several at once, and retries), so they are told apart by subject.
 */
async function emailTo(email: string, subject: string): Promise<CaughtMail> {
  const matching = await eventually(async () => {
    const mails = await mailsTo(email);
    const found = mails.filter((mail) => mail.parsed.subject === subject);
    if (found.length === 0) {
      throw new Error(`no "${subject}" to ${email} yet, only: ${mails.map((mail) => mail.parsed.subject).join(' | ')}`);
    }
    return found;
  }, emailWaitMs);
  expect(matching).toHaveLength(1);
  return matching[0] as CaughtMail;
}

async function order(customer: TestCustomer, cardNumber: string = testCards.approved): Promise<string> {
  const productId = await productWithStock(5);
  const res = await postJson(
    '/api/orders',
    { items: [{ productId, quantity: 1 }], shippingAddress, payment: payment(cardNumber) },
    bearer(customer.accessToken),
  );
  if (res.status !== 202) throw new Error(`placing answered ${res.status}: ${await res.text()}`);
  return (await json(res)).id as string;
}

async function setPreferences(customer: TestCustomer, preferences: { email: boolean; sms: boolean; inApp: boolean }) {
  const res = await fetch(`${baseUrl()}/api/notifications/preferences`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...bearer(customer.accessToken) },
    body: JSON.stringify(preferences),
  });
  expect(res.status).toBe(200);
  expect(await json(res)).toEqual(preferences);
}

/** The delivery log as the admin filters it, once it holds `count` entries. */
async function deliveryLog(query: string, count: number) {
  const admin = await adminToken();
  return eventually(async () => {
    const res = await get(`/api/admin/notifications?${query}`, admin);
    if (res.status !== 200) throw new Error(`the delivery log answered ${res.status}: ${await res.text()}`);
    const page = await json(res);
    if (page.items.length !== count) throw new Error(`${page.items.length} of ${count} entries for ${query} so far`);
    return page as { items: Array<Record<string, unknown>>; nextCursor: string | null };
  }, emailWaitMs);
}

/** The addresses a header lists, as a mail client shows them. */
function addressesOf(header: CaughtMail['parsed']['from']) {
  return (header?.value ?? []).map((address) => ({ name: address.name, address: address.address }));
}

describe('notifications', () => {
  it(
    'welcomes a customer who registers with one email From: MAIL_FROM, in a text and an HTML part',
    async () => {
      const customer = await newCustomer('Grace Hopper');
      const welcome = await emailTo(customer.email, 'Welcome to the shop, Grace Hopper');
      expect(welcome.envelope.to).toEqual([customer.email]);
      expect(addressesOf(welcome.parsed.from)).toEqual([defaultSender]);
      expect(welcome.parsed.text).toContain('Hello Grace Hopper');
      expect(welcome.parsed.html).toContain('<p>Hello Grace Hopper,</p>');
      expect(welcome.parsed.messageId).toMatch(/^<.+@.+>$/);
    },
    notificationTestMs,
  );

  it(
    'confirms a paid order naming its id and only the last four digits of the card, then its tracking number',
    async () => {
      const customer = await newCustomer();
      const orderId = await order(customer);
      await orderReaching(orderId, customer.accessToken, ['Paid']);
      const confirmation = await emailTo(customer.email, `Your order ${orderId} is confirmed`);
      expect(confirmation.parsed.text).toContain('from the card ending in 4242');
      expect(`${confirmation.parsed.text}${confirmation.parsed.html}`).not.toContain(testCards.approved);

      const admin = await adminToken();
      const shipped = await postJson(`/api/orders/${orderId}/ship`, { trackingNumber: 'TRK-E2E-7' }, bearer(admin));
      expect(shipped.status).toBe(200);
      const shipping = await emailTo(customer.email, `Your order ${orderId} is on its way`);
      expect(shipping.parsed.text).toContain('Tracking number: TRK-E2E-7.');
      expect(shipping.parsed.html).toContain('TRK-E2E-7');
      // One message per event, each with its own Message-ID: the welcome, the confirmation, the shipping notice.
      await emailTo(customer.email, `Welcome to the shop, ${customer.name}`);
      const ids = (await mailsTo(customer.email)).map((mail) => mail.parsed.messageId);
      expect(ids).toHaveLength(3);
      expect(new Set(ids).size).toBe(3);
    },
    notificationTestMs,
  );

  it(
    'tells a customer whose card was declined why the order failed',
    async () => {
      const customer = await newCustomer();
      const orderId = await order(customer, testCards.declined);
      await orderReaching(orderId, customer.accessToken, ['Failed']);
      const failure = await emailTo(customer.email, `Your order ${orderId} could not be completed`);
      expect(failure.parsed.text).toContain('because the payment was declined');
    },
    notificationTestMs,
  );

  it(
    'logs the email as Skipped and sends none once the customer turned email off; the in-app list still has it',
    async () => {
      const customer = await newCustomer();
      await emailTo(customer.email, `Welcome to the shop, ${customer.name}`);
      await setPreferences(customer, { email: false, sms: false, inApp: true });
      const orderId = await order(customer);
      await orderReaching(orderId, customer.accessToken, ['Paid']);
      const { items } = await deliveryLog(`customerId=${customer.id}&channel=email&status=Skipped`, 1);
      expect(items[0]).toMatchObject({
        customerId: customer.id,
        type: 'OrderConfirmed',
        channel: 'email',
        status: 'Skipped',
      });
      // The in-app notification is recorded with the email's delivery: once it is listed, no email can follow.
      await eventually(async () => {
        const list = await json(await get('/api/notifications', customer.accessToken));
        if (list.items[0]?.type !== 'OrderConfirmed') throw new Error('not listed yet');
      });
      expect((await mailsTo(customer.email)).map((mail) => mail.parsed.subject)).toEqual([
        `Welcome to the shop, ${customer.name}`,
      ]);
    },
    notificationTestMs,
  );

  it(
    "lists a customer's in-app notifications newest first and marks one read; another customer's is 404",
    async () => {
      const customer = await newCustomer();
      const orderId = await order(customer);
      await orderReaching(orderId, customer.accessToken, ['Paid']);
      const list = await eventually(async () => {
        const page = await json(await get('/api/notifications', customer.accessToken));
        if (page.items.length < 2) throw new Error(`${page.items.length} in-app notifications so far`);
        return page;
      });
      expect(list.items.map((item: { type: string }) => item.type)).toEqual(['OrderConfirmed', 'Welcome']);
      const [confirmed, welcome] = list.items;
      expect(confirmed).toMatchObject({ orderId, readAt: null, title: `Your order ${orderId} is confirmed` });
      expect(Date.parse(confirmed.createdAt)).toBeGreaterThanOrEqual(Date.parse(welcome.createdAt));
      expect(welcome.orderId).toBeUndefined();

      const stranger = await newCustomer();
      const theirs = await postJson(`/api/notifications/${confirmed.id}/read`, {}, bearer(stranger.accessToken));
      expect(theirs.status).toBe(404);
      expect(theirs.headers.get('content-type')).toContain('application/problem+json');
      const strangersList = await json(await get('/api/notifications', stranger.accessToken));
      expect(strangersList.items.map((item: { id: string }) => item.id)).not.toContain(confirmed.id);

      const read = await postJson(`/api/notifications/${confirmed.id}/read`, {}, bearer(customer.accessToken));
      expect(read.status).toBe(200);
      const marked = await json(read);
      expect(marked).toMatchObject({ id: confirmed.id });
      expect(Number.isNaN(Date.parse(marked.readAt))).toBe(false);
      const after = await json(await get('/api/notifications', customer.accessToken));
      expect(after.items.map((item: { readAt: string | null }) => item.readAt !== null)).toEqual([true, false]);
    },
    notificationTestMs,
  );

  it(
    'filters the admin delivery log by customer, channel and status, and pages through it',
    async () => {
      const customer = await newCustomer();
      const orderId = await order(customer);
      await orderReaching(orderId, customer.accessToken, ['Paid']);
      const emails = await deliveryLog(`customerId=${customer.id}&channel=email&status=Sent`, 2);
      expect(emails.items.map((entry) => entry.type)).toEqual(['OrderConfirmed', 'Welcome']);
      for (const entry of emails.items) {
        expect(entry).toMatchObject({ customerId: customer.id, channel: 'email', status: 'Sent' });
        expect(entry.attempts).toBeGreaterThanOrEqual(1);
        expect(Number.isNaN(Date.parse(entry.sentAt as string))).toBe(false);
      }
      // No SMS provider in these topologies, and SMS is off by default: both Skipped, with the reason.
      const texts = await deliveryLog(`customerId=${customer.id}&channel=sms`, 2);
      expect(texts.items.every((entry) => entry.status === 'Skipped' && typeof entry.error === 'string')).toBe(true);
      const everything = await deliveryLog(`customerId=${customer.id}`, 6);
      expect(new Set(everything.items.map((entry) => entry.customerId))).toEqual(new Set([customer.id]));
      expect(everything.items.filter((entry) => entry.channel === 'inApp')).toHaveLength(2);

      const first = await deliveryLog(`customerId=${customer.id}&limit=4`, 4);
      expect(first.nextCursor).toEqual(expect.any(String));
      const rest = await deliveryLog(
        `customerId=${customer.id}&limit=4&cursor=${encodeURIComponent(first.nextCursor as string)}`,
        2,
      );
      expect(rest.nextCursor).toBeNull();
      expect([...first.items, ...rest.items].map((entry) => entry.id)).toEqual(
        everything.items.map((entry) => entry.id),
      );

      const admin = await adminToken();
      const bad = await get('/api/admin/notifications?channel=fax&status=Lost', admin);
      expect(bad.status).toBe(400);
      const problem = await json(bad);
      expect(problem.errors.map((error: { path: string }) => error.path).sort()).toEqual([
        'query.channel',
        'query.status',
      ]);
    },
    notificationTestMs,
  );

  it('answers 401 without a token and 403 to a customer asking for the delivery log', async () => {
    const customer = await newCustomer();
    for (const [method, path] of [
      ['GET', '/api/notifications'],
      ['GET', '/api/notifications/preferences'],
      ['PUT', '/api/notifications/preferences'],
      ['POST', `/api/notifications/${customer.id}/read`],
      ['GET', '/api/admin/notifications'],
    ] as const) {
      const res = await fetch(`${baseUrl()}${path}`, { method });
      expect([method, path, res.status]).toEqual([method, path, 401]);
    }
    const forbidden = await get('/api/admin/notifications', customer.accessToken);
    expect(forbidden.status).toBe(403);
    const admin = await adminToken();
    expect((await get('/api/notifications', admin)).status).toBe(403);
  });
});
