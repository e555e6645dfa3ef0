// Notifications as a customer meets them, in both topologies: the emails the platform sends are read back from
// the development mailbox (`npm start` and `npm run start:dapr` catch them when SMTP_URL is unset).
import { json } from '@shop/testkit/src/listen';
import { adminToken, bearer, newCustomer, postJson, type TestCustomer } from './support/accounts';
import { baseUrl } from './support/base-url';
import { eventually } from './support/eventually';
import { get, orderReaching, payment, productWithStock, shippingAddress, testCards } from './support/shop';

interface CaughtMail {
  id: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
}

async function mailbox(): Promise<CaughtMail[]> {
  const res = await fetch(`${baseUrl()}/dev/mailbox`, { headers: { accept: 'application/json' } });
  if (res.status !== 200) throw new Error(`the dev mailbox answered ${res.status}`);
  return ((await res.json()) as { items: CaughtMail[] }).items;
}

/** The emails to `email` once `count` of them arrived, oldest first. */
function mailsTo(email: string, count: number): Promise<CaughtMail[]> {
  return eventually(async () => {
    const mails = (await mailbox()).filter((mail) => mail.to.includes(email)).reverse();
    if (mails.length < count) throw new Error(`${mails.length} of ${count} emails to ${email} so far`);
    return mails;
  });
}

async function order(customer: TestCustomer, cardNumber: string = testCards.approved) {
  const productId = await productWithStock(5);
  const res = await postJson(
    '/api/orders',
    { items: [{ productId, quantity: 1 }], shippingAddress, payment: payment(cardNumber) },
    bearer(customer.accessToken),
  );
  if (res.status !== 202) throw new Error(`placing answered ${res.status}: ${await res.text()}`);
  return (await json(res)).id as string;
}

describe('notifications', () => {
  it('welcomes a customer who registers, by email', async () => {
    const customer = await newCustomer('Grace Hopper');
    const [welcome] = await mailsTo(customer.email, 1);
    expect(welcome?.subject).toBe('Welcome to the shop, Grace Hopper');
    expect(welcome?.text).toContain('Hello Grace Hopper');
    expect(welcome?.html).toContain('<p>Hello Grace Hopper,</p>');
  });

  it('confirms a paid order naming its id and only the last four digits of the card, then its shipping', async () => {
    const customer = await newCustomer();
    const orderId = await order(customer);
    await orderReaching(orderId, customer.accessToken, ['Paid']);
    const [, confirmation] = await mailsTo(customer.email, 2);
    expect(confirmation?.subject).toBe(`Your order ${orderId} is confirmed`);
    expect(confirmation?.text).toContain('from the card ending in 4242');
    expect(`${confirmation?.text}${confirmation?.html}`).not.toContain(testCards.approved);

    const admin = await adminToken();
    const shipped = await postJson(`/api/orders/${orderId}/ship`, { trackingNumber: 'TRK-E2E-7' }, bearer(admin));
    expect(shipped.status).toBe(200);
    const [, , shipping] = await mailsTo(customer.email, 3);
    expect(shipping?.subject).toBe(`Your order ${orderId} is on its way`);
    expect(shipping?.text).toContain('Tracking number: TRK-E2E-7.');
  });

  it('tells a customer whose card was declined why the order failed', async () => {
    const customer = await newCustomer();
    const orderId = await order(customer, testCards.declined);
    await orderReaching(orderId, customer.accessToken, ['Failed']);
    const [, failure] = await mailsTo(customer.email, 2);
    expect(failure?.subject).toBe(`Your order ${orderId} could not be completed`);
    expect(failure?.text).toContain('because the payment was declined');
  });

  it('logs email as Skipped and sends none once the customer turned it off; the in-app list has it', async () => {
    const customer = await newCustomer();
    await mailsTo(customer.email, 1);
    const put = await fetch(`${baseUrl()}/api/notifications/preferences`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...bearer(customer.accessToken) },
      body: JSON.stringify({ email: false, sms: false, inApp: true }),
    });
    expect(put.status).toBe(200);
    const orderId = await order(customer);
    await orderReaching(orderId, customer.accessToken, ['Paid']);
    const admin = await adminToken();
    const skipped = await eventually(async () => {
      const log = await json(
        await get(`/api/admin/notifications?customerId=${customer.id}&channel=email&status=Skipped`, admin),
      );
      if (log.items.length !== 1) throw new Error('not logged yet');
      return log.items[0];
    });
    expect(skipped).toMatchObject({ type: 'OrderConfirmed', channel: 'email', status: 'Skipped' });
    const list = await json(await get('/api/notifications', customer.accessToken));
    expect(list.items[0]).toMatchObject({ type: 'OrderConfirmed', orderId, readAt: null });
    const read = await postJson(`/api/notifications/${list.items[0].id}/read`, {}, bearer(customer.accessToken));
    expect(read.status).toBe(200);
    expect(typeof (await json(read)).readAt).toBe('string');
    expect((await mailbox()).filter((mail) => mail.to.includes(customer.email))).toHaveLength(1);
  });
});
