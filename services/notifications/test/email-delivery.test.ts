import { randomUUID } from 'node:crypto';
import { topics } from '@shop/contracts';
import { eventually, type NotificationsPlatform, startNotifications } from './support/notifications-platform';

let shop: NotificationsPlatform;

/** A counter's value in Prometheus text (0 when absent); `series` is the name with its labels as printed. */
function counter(metrics: string, series: string): number {
  const line = metrics.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

beforeAll(async () => {
  shop = await startNotifications();
});
afterAll(() => shop.stop());

describe('email over SMTP', () => {
  it('welcomes a new customer with one email, From MAIL_FROM, with a text and an HTML part', async () => {
    const customer = await shop.registered();
    const [mail] = await eventually(() => shop.smtp.to(customer.email).length > 0 && shop.smtp.to(customer.email));
    expect(mail?.parsed.from?.value).toEqual([{ name: 'Shop', address: 'no-reply@shop.local' }]);
    expect(mail?.parsed.subject).toBe('Welcome to the shop, Ada Lovelace');
    expect(mail?.parsed.text).toContain('Hello Ada Lovelace');
    expect(mail?.parsed.html).toContain('<p>Hello Ada Lovelace,</p>');
  });

  it('sends one email per event however often the event is delivered', async () => {
    const customer = await shop.registered();
    await eventually(() => shop.smtp.to(customer.email).length === 1);
    const orderId = randomUUID();
    const eventId = randomUUID();
    const paid = { orderId, customerId: customer.customerId, status: 'Paid' as const };
    // Three deliveries of the same event, two of them at once, one after the first was sent.
    await Promise.all([shop.order(topics.orderPaid, paid, eventId), shop.order(topics.orderPaid, paid, eventId)]);
    await eventually(() => shop.smtp.to(customer.email).length === 2);
    await shop.order(topics.orderPaid, paid, eventId);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const mails = shop.smtp.to(customer.email);
    expect(mails.map((mail) => mail.parsed.subject)).toEqual([
      'Welcome to the shop, Ada Lovelace',
      `Your order ${orderId} is confirmed`,
    ]);
    expect(mails[1]?.parsed.messageId).toBe(`<${eventId}.email@shop.local>`);
    const log = await shop.log({ customerId: customer.customerId, channel: 'email' });
    expect(log.items.map((entry) => [entry.type, entry.status, entry.attempts])).toEqual([
      ['OrderConfirmed', 'Sent', 1],
      ['Welcome', 'Sent', 1],
    ]);
    expect(shop.sent().filter((sent) => sent.eventId === eventId && sent.channel === 'email')).toHaveLength(1);
  });

  it('retries while the SMTP server refuses, and sends once it accepts', async () => {
    const customer = await shop.registered();
    await eventually(() => shop.smtp.to(customer.email).length === 1);
    shop.smtp.refuse(true);
    const refusedBefore = shop.smtp.refusedCount();
    const orderId = randomUUID();
    await shop.order(topics.orderShipped, {
      orderId,
      customerId: customer.customerId,
      status: 'Shipped',
      trackingNumber: 'TRK-42',
    });
    // Other customers' mail is not held up meanwhile: it is refused too, and retried on its own schedule.
    await eventually(() => shop.smtp.refusedCount() >= refusedBefore + 3);
    shop.smtp.refuse(false);
    const [, shipped] = await eventually(
      () => shop.smtp.to(customer.email).length === 2 && shop.smtp.to(customer.email),
    );
    expect(shipped?.parsed.subject).toBe(`Your order ${orderId} is on its way`);
    expect(shipped?.parsed.text).toContain('Tracking number: TRK-42.');
    const [entry] = (await shop.log({ customerId: customer.customerId, channel: 'email' })).items;
    expect(entry).toMatchObject({ type: 'OrderShipped', status: 'Sent' });
    expect(entry?.attempts as number).toBeGreaterThanOrEqual(4);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(shop.smtp.to(customer.email)).toHaveLength(2);
    const metrics = await (await fetch(`${shop.platform.url}/metrics`)).text();
    expect(counter(metrics, 'notifications_retries_total{channel="email"}')).toBeGreaterThanOrEqual(3);
    expect(counter(metrics, 'notifications_deliveries_total{channel="email",status="Sent"}')).toBeGreaterThanOrEqual(2);
  });

  it('writes German to a customer whose locale is German', async () => {
    const customer = await shop.registered({ name: 'Jürgen Müller', locale: 'de-DE' });
    const orderId = randomUUID();
    await shop.order(topics.orderFailed, {
      orderId,
      customerId: customer.customerId,
      status: 'Failed',
      failureReason: 'PaymentDeclined',
    });
    const mails = await eventually(() => shop.smtp.to(customer.email).length === 2 && shop.smtp.to(customer.email));
    expect(mails.map((mail) => mail.parsed.subject).sort()).toEqual([
      `Ihre Bestellung ${orderId} konnte nicht abgeschlossen werden`,
      'Willkommen im Shop, Jürgen Müller',
    ]);
    const failed = mails.find((mail) => mail.parsed.subject?.startsWith('Ihre Bestellung'));
    expect(failed?.parsed.text).toContain('die Zahlung wurde abgelehnt');
  });

  it('follows the profile: a changed email address and language', async () => {
    const customer = await shop.registered();
    await eventually(() => shop.smtp.to(customer.email).length === 1);
    const email = `${randomUUID().slice(0, 8)}@example.de`;
    await shop.updated({
      customerId: customer.customerId,
      email,
      name: 'Ada L.',
      locale: 'de',
      phone: null,
      updatedAt: new Date().toISOString(),
    });
    await shop.order(topics.orderDelivered, {
      orderId: randomUUID(),
      customerId: customer.customerId,
      status: 'Delivered',
    });
    const [mail] = await eventually(() => shop.smtp.to(email).length === 1 && shop.smtp.to(email));
    expect(mail?.parsed.text).toContain('Hallo Ada L.');
  });

  it('escapes a name like <script> in the HTML part', async () => {
    const customer = await shop.registered({ name: '<script>alert(1)</script>' });
    const [mail] = await eventually(() => shop.smtp.to(customer.email).length === 1 && shop.smtp.to(customer.email));
    expect(mail?.parsed.html).not.toContain('<script>');
    expect(mail?.parsed.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('names only the last four digits of the card, never the card number', async () => {
    const customer = await shop.registered();
    const orderId = randomUUID();
    await shop.order(topics.orderPaid, {
      orderId,
      customerId: customer.customerId,
      status: 'Paid',
      total: { amount: 4999, currency: 'EUR' },
      cardLast4: '4242',
    });
    const mails = await eventually(() => shop.smtp.to(customer.email).length === 2 && shop.smtp.to(customer.email));
    const confirmation = mails.find((mail) => mail.parsed.subject?.includes(orderId));
    expect(confirmation?.parsed.text).toContain('of €49.99 from the card ending in 4242');
    // No run of 13 to 19 digits (a card number, spaced or not) in what the customer reads, ids aside.
    for (const mail of mails) {
      const words = `${mail.parsed.subject} ${mail.parsed.text} ${mail.parsed.html}`.replaceAll(orderId, '');
      expect(words).not.toMatch(/(?:\d[ -]?){13,19}/);
    }
  });

  it('logs a channel the customer turned off as Skipped and sends nothing on it', async () => {
    const customer = await shop.registered();
    await eventually(() => shop.smtp.to(customer.email).length === 1);
    const token = shop.tokenOf(customer.customerId);
    const put = await shop.request('PUT', '/api/notifications/preferences', {
      token,
      body: { email: false, sms: false, inApp: true },
    });
    expect(put).toEqual({ status: 200, body: { email: false, sms: false, inApp: true } });
    const orderId = randomUUID();
    await shop.order(topics.orderCancelled, { orderId, customerId: customer.customerId, status: 'Cancelled' });
    const skipped = await eventually(async () => {
      const log = await shop.log({ customerId: customer.customerId, status: 'Skipped' });
      const cancelled = log.items.filter((entry) => entry.type === 'OrderCancelled');
      return cancelled.length === 2 && cancelled;
    });
    expect(skipped.map((entry) => entry.channel).sort()).toEqual(['email', 'sms']);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(shop.smtp.to(customer.email)).toHaveLength(1);
  });
});

describe('a recipient the SMTP server refuses for good', () => {
  it("ends the delivery Failed at the first attempt, with the server's answer in the log", async () => {
    const email = `${randomUUID().slice(0, 8)}@example.com`;
    shop.smtp.refuseRecipient(email);
    const customer = await shop.registered({ email });
    const [entry] = await eventually(async () => {
      const log = await shop.log({ customerId: customer.customerId, channel: 'email', status: 'Failed' });
      return log.items.length === 1 && log.items;
    });
    expect(entry).toMatchObject({ type: 'Welcome', attempts: 1 });
    expect(entry?.error).toMatch(/550 No such user here/);
  });
});

describe('an SMTP server down for longer than the retry window', () => {
  it('ends the delivery Failed with the error in the log, and sends nothing later', async () => {
    const failing = await startNotifications({ env: { NOTIFICATION_RETRY_FOR_SECONDS: '1' } });
    try {
      failing.smtp.refuse(true);
      const customer = await failing.registered();
      const [entry] = await eventually(async () => {
        const log = await failing.log({ customerId: customer.customerId, channel: 'email', status: 'Failed' });
        return log.items.length === 1 && log.items;
      });
      expect(entry?.attempts as number).toBeGreaterThanOrEqual(3);
      expect(entry?.error).toMatch(/451 Mailbox temporarily unavailable/);
      failing.smtp.refuse(false);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(failing.smtp.to(customer.email)).toHaveLength(0);
    } finally {
      await failing.stop();
    }
  });
});

describe('an order held for fraud review', () => {
  it('gets no notice while OnHold nor when approved, and its confirmation once Paid', async () => {
    const customer = await shop.registered();
    await eventually(() => shop.smtp.to(customer.email).length === 1);
    const orderId = randomUUID();
    const held = { orderId, customerId: customer.customerId, total: { amount: 600_000, currency: 'EUR' } };
    await shop.order(topics.orderHeld, { ...held, status: 'OnHold' });
    await shop.order(topics.orderApproved, { ...held, status: 'Pending' });
    // Several send passes (every 25 ms): anything recorded for the hold or the approval would be out by now.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(shop.smtp.to(customer.email)).toHaveLength(1);
    const inAppTypes = async () => {
      const answer = await shop.request('GET', '/api/notifications', { token: shop.tokenOf(customer.customerId) });
      return ((answer.body?.items ?? []) as Array<{ type: string }>).map((item) => item.type);
    };
    expect(await inAppTypes()).toEqual(['Welcome']);

    await shop.order(topics.orderPaid, { ...held, status: 'Paid' });
    const mails = await eventually(() => shop.smtp.to(customer.email).length === 2 && shop.smtp.to(customer.email));
    expect(mails.map((mail) => mail.parsed.subject)).toEqual([
      'Welcome to the shop, Ada Lovelace',
      `Your order ${orderId} is confirmed`,
    ]);
    const log = await shop.log({ customerId: customer.customerId, channel: 'email' });
    expect(log.items.map((entry) => entry.type)).toEqual(['OrderConfirmed', 'Welcome']);
    expect(await inAppTypes()).toEqual(['OrderConfirmed', 'Welcome']);
  });

  it.each([
    ['en', 'Ada Lovelace', 'because the order did not pass our fraud review'],
    ['de-DE', 'Jürgen Müller', 'nicht abgeschlossen werden: die Bestellung hat unsere Betrugsprüfung nicht bestanden'],
  ])('tells a %s customer a rejected order failed the fraud review, in words', async (locale, name, words) => {
    const customer = await shop.registered({ name, locale });
    await eventually(() => shop.smtp.to(customer.email).length === 1);
    const orderId = randomUUID();
    await shop.order(topics.orderHeld, { orderId, customerId: customer.customerId, status: 'OnHold' });
    await shop.order(topics.orderFailed, {
      orderId,
      customerId: customer.customerId,
      status: 'Failed',
      failureReason: 'FraudSuspected',
    });
    const [, failed] = await eventually(
      () => shop.smtp.to(customer.email).length === 2 && shop.smtp.to(customer.email),
    );
    expect(failed?.parsed.subject).toContain(orderId);
    expect(failed?.parsed.text).toContain(words);
    expect(failed?.parsed.text).not.toContain('FraudSuspected');
  });
});
