import { cards, type RunningPayments, startPayments } from './support/payments-platform';

let payments: RunningPayments;
beforeAll(async () => {
  payments = await startPayments();
});
afterAll(() => payments.stop());

/** One series' value on the platform's /metrics, 0 when it has none yet. */
async function metric(series: string): Promise<number> {
  const text = await (await payments.request('GET', '/metrics')).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

const moves = (from: string, to: string) => metric(`payments_status_changes_total{from="${from}",to="${to}"}`);

describe('the payments metrics', () => {
  it('counts a captured payment and a declined one by the moves they made, and a refund', async () => {
    const before = {
      authorized: await moves('pending', 'authorized'),
      captured: await moves('authorized', 'captured'),
      declined: await moves('pending', 'failed'),
      refunds: await metric('payments_refunds_total'),
    };

    const approved = await payments.placeOrder(cards.approved, { amount: 4999, currency: 'EUR' });
    await payments.reserved(approved.orderId);
    const captured = await payments.paymentIn(approved.orderId, 'captured');
    expect(await moves('pending', 'authorized')).toBe(before.authorized + 1);
    expect(await moves('authorized', 'captured')).toBe(before.captured + 1);

    const declined = await payments.placeOrder(cards.declined);
    await payments.reserved(declined.orderId);
    await payments.paymentIn(declined.orderId, 'failed');
    expect(await moves('pending', 'failed')).toBe(before.declined + 1);
    expect(await moves('authorized', 'captured')).toBe(before.captured + 1);

    const refunded = await payments.refund(captured.id, { amount: 1000, currency: 'EUR' });
    expect(refunded.status).toBe(201);
    expect(await metric('payments_refunds_total')).toBe(before.refunds + 1);
  });
});
