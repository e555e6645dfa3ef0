import { randomUUID } from 'node:crypto';
import { type PaymentFailed, type PaymentRefunded, type PaymentSucceeded, topics } from '@shop/contracts';
import { json } from '@shop/testkit/src/listen';
import { cards, eventually, type RunningPayments, startPayments } from './support/payments-platform';

let payments: RunningPayments;

beforeAll(async () => {
  payments = await startPayments();
});
afterAll(() => payments.stop());

const succeededFor = (orderId: string) =>
  payments.events<PaymentSucceeded>(topics.paymentSucceeded).filter((event) => event.orderId === orderId);
const failedFor = (orderId: string) =>
  payments.events<PaymentFailed>(topics.paymentFailed).filter((event) => event.orderId === orderId);
const refundedFor = (orderId: string) =>
  payments.events<PaymentRefunded>(topics.paymentRefunded).filter((event) => event.orderId === orderId);

/** The gateway's ledger for one payment: its authorization (with capture) and its refunds. */
async function ledgerOf(paymentId: string) {
  const charges = await payments.gatewayQuery<{ id: string; status: string; refunded_amount: number }>(
    'SELECT id, status, refunded_amount FROM gateway_charges WHERE idempotency_key = ?',
    [`payment:${paymentId}`],
  );
  const refunds = await payments.gatewayQuery<{ amount: number }>(
    'SELECT amount FROM gateway_refunds WHERE charge_id IN (SELECT id FROM gateway_charges WHERE idempotency_key = ?)',
    [`payment:${paymentId}`],
  );
  return { charges, refunds };
}

/** Lets every delivery in flight settle, retries included, and the relay publish what they wrote. */
async function settle() {
  await payments.platform.bus.drain();
  await new Promise((resolve) => setTimeout(resolve, 50));
  await payments.platform.bus.drain();
}

describe('the order saga, payment steps', () => {
  it('records a pending payment when the order is placed, with the card brand and last four digits', async () => {
    const { orderId, customerId, payment } = await payments.placeOrder(cards.approved, {
      amount: 2599,
      currency: 'EUR',
    });
    expect(payment).toEqual({
      id: expect.any(String),
      orderId,
      customerId,
      status: 'pending',
      amount: { amount: 2599, currency: 'EUR' },
      refundedAmount: { amount: 0, currency: 'EUR' },
      cardLast4: '4242',
      cardBrand: 'visa',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
  });

  it('charges the order once its stock is reserved: placed → reserved → payment-succeeded', async () => {
    const { orderId, payment } = await payments.placeOrder(cards.approved, { amount: 4999, currency: 'EUR' });
    await payments.reserved(orderId);
    await payments.paymentIn(orderId, 'captured');
    const [succeeded] = await eventually(() => {
      const events = succeededFor(orderId);
      expect(events).toHaveLength(1);
      return events;
    });
    expect(succeeded).toEqual({
      orderId,
      paymentId: payment?.id,
      amount: { amount: 4999, currency: 'EUR' },
      cardLast4: '4242',
      capturedAt: expect.any(String),
    });
    const ledger = await ledgerOf(payment?.id as string);
    expect(ledger.charges.map((charge) => charge.status)).toEqual(['captured']);
  });

  it.each([
    [cards.declined, 'card-declined'],
    [cards.insufficientFunds, 'insufficient-funds'],
    [cards.expiredCard, 'expired-card'],
    [cards.processingError, 'processing-error'],
  ])('declines card %s with %s: payment-failed, nothing captured', async (cardNumber, reason) => {
    const { orderId, payment } = await payments.placeOrder(cardNumber);
    await payments.reserved(orderId);
    const failed = await payments.paymentIn(orderId, 'failed');
    expect(failed.failureReason).toBe(reason);
    await eventually(() => expect(failedFor(orderId)).toEqual([expect.objectContaining({ orderId, reason })]));
    expect(succeededFor(orderId)).toEqual([]);
    const ledger = await ledgerOf(payment?.id as string);
    expect(ledger.charges.map((charge) => charge.status)).toEqual(['declined']);
  });

  it('approves any other card that passes the Luhn check', async () => {
    const { orderId } = await payments.placeOrder(cards.otherMastercard);
    await payments.reserved(orderId);
    const captured = await payments.paymentIn(orderId, 'captured');
    expect(captured).toEqual(expect.objectContaining({ cardBrand: 'mastercard', cardLast4: '4444' }));
  });

  it('declines an order whose card token the gateway does not know (or no longer does)', async () => {
    const orderId = randomUUID();
    await payments.placed({
      orderId,
      customerId: randomUUID(),
      total: { amount: 100, currency: 'EUR' },
      paymentMethodId: randomUUID(),
    });
    const pending = await payments.paymentIn(orderId, 'pending');
    expect(pending.cardLast4).toBeNull();
    await payments.reserved(orderId);
    const failed = await payments.paymentIn(orderId, 'failed');
    expect(failed.failureReason).toBe('payment-method-expired');
  });

  it('voids the payment when the stock could not be reserved: nothing is authorized or captured', async () => {
    const { orderId, payment } = await payments.placeOrder();
    await payments.reservationFailed(orderId);
    await payments.paymentIn(orderId, 'voided');
    // A stock-reserved arriving after all (it cannot, but a mistaken one must not charge) changes nothing.
    await payments.reserved(orderId);
    await settle();
    expect((await payments.paymentOf(orderId))?.status).toBe('voided');
    expect(succeededFor(orderId)).toEqual([]);
    expect((await ledgerOf(payment?.id as string)).charges).toEqual([]);
  });

  it('voids a pending payment when the order fails or is cancelled before it was charged', async () => {
    const failed = await payments.placeOrder();
    const cancelled = await payments.placeOrder();
    await payments.orderEnded(topics.orderFailed, failed.orderId, failed.customerId);
    await payments.orderEnded(topics.orderCancelled, cancelled.orderId, cancelled.customerId);
    await payments.paymentIn(failed.orderId, 'voided');
    await payments.paymentIn(cancelled.orderId, 'voided');
    expect(refundedFor(failed.orderId)).toEqual([]);
    expect(refundedFor(cancelled.orderId)).toEqual([]);
  });

  it('refunds a captured payment in full, once, when the order is cancelled', async () => {
    const { orderId, customerId, payment } = await payments.placeOrder(cards.approved, {
      amount: 1500,
      currency: 'USD',
    });
    await payments.reserved(orderId);
    await payments.paymentIn(orderId, 'captured');
    await payments.orderEnded(topics.orderCancelled, orderId, customerId);
    const refunded = await payments.paymentIn(orderId, 'refunded');
    expect(refunded.refundedAmount).toEqual({ amount: 1500, currency: 'USD' });
    const [event] = await eventually(() => {
      const events = refundedFor(orderId);
      expect(events).toHaveLength(1);
      return events;
    });
    expect(event).toEqual({
      orderId,
      paymentId: payment?.id,
      refundId: expect.any(String),
      amount: { amount: 1500, currency: 'USD' },
      refundedTotal: { amount: 1500, currency: 'USD' },
      reason: 'order-cancelled',
      refundedAt: expect.any(String),
    });
    expect((await ledgerOf(payment?.id as string)).refunds).toEqual([{ amount: 1500 }]);
  });

  it('refunds what is left after partial refunds when a paid order fails late', async () => {
    const { orderId, customerId, payment } = await payments.placeOrder(cards.approved, {
      amount: 1000,
      currency: 'EUR',
    });
    await payments.reserved(orderId);
    await payments.paymentIn(orderId, 'captured');
    expect((await payments.refund(payment?.id as string, { amount: 300, currency: 'EUR' })).status).toBe(201);
    await payments.orderEnded(topics.orderFailed, orderId, customerId);
    const refunded = await payments.paymentIn(orderId, 'refunded');
    expect(refunded.refundedAmount.amount).toBe(1000);
    await eventually(() =>
      expect(
        refundedFor(orderId).map((event) => [event.amount.amount, event.refundedTotal.amount, event.reason]),
      ).toEqual([
        [300, 300, 'customer asked'],
        [700, 1000, 'order-failed'],
      ]),
    );
  });

  it('charges once and refunds once when every event is delivered twice, under its id and under another', async () => {
    const orderId = randomUUID();
    const customerId = randomUUID();
    const paymentMethodId = await payments.vaultCard(cards.approved);
    const order = { orderId, customerId, total: { amount: 777, currency: 'EUR' }, paymentMethodId };
    // A retried placement opens the payment it opened before.
    expect((await payments.placed(order)).status).toBe(201);
    expect((await payments.placed(order)).status).toBe(200);
    const pending = await payments.paymentIn(orderId, 'pending');

    const reserved = await payments.reserved(orderId);
    await payments.reserved(orderId, reserved.id);
    await payments.reserved(orderId);
    await payments.paymentIn(orderId, 'captured');
    await settle();

    const cancelled = await payments.orderEnded(topics.orderCancelled, orderId, customerId);
    await payments.orderEnded(topics.orderCancelled, orderId, customerId, cancelled.id);
    await payments.orderEnded(topics.orderCancelled, orderId, customerId);
    await payments.orderEnded(topics.orderFailed, orderId, customerId);
    await payments.paymentIn(orderId, 'refunded');
    await settle();

    const list = await payments.request('GET', `/api/payments?orderId=${orderId}`, { token: payments.tokens.admin });
    expect((await json(list)).items).toHaveLength(1);
    expect(succeededFor(orderId)).toHaveLength(1);
    expect(refundedFor(orderId)).toHaveLength(1);
    const ledger = await ledgerOf(pending.id);
    expect(ledger.charges).toEqual([expect.objectContaining({ status: 'captured', refunded_amount: 777 })]);
    expect(ledger.refunds).toEqual([{ amount: 777 }]);
  });

  it('retries a stock-reserved that arrives before its payment is opened, then charges once', async () => {
    const orderId = randomUUID();
    const customerId = randomUUID();
    const paymentMethodId = await payments.vaultCard(cards.approved);
    await payments.reserved(orderId);
    // The first delivery found no payment and asked for a redelivery; the payment is opened meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await payments.paymentOf(orderId)).toBeUndefined();
    await payments.placed({ orderId, customerId, total: { amount: 1234, currency: 'EUR' }, paymentMethodId });
    const captured = await payments.paymentIn(orderId, 'captured');
    await settle();
    expect(succeededFor(orderId)).toHaveLength(1);
    expect((await ledgerOf(captured.id)).charges).toEqual([expect.objectContaining({ status: 'captured' })]);
  });

  it('retries a cancellation that arrives before its payment is opened, then voids', async () => {
    const orderId = randomUUID();
    const customerId = randomUUID();
    const paymentMethodId = await payments.vaultCard(cards.approved);
    await payments.orderEnded(topics.orderCancelled, orderId, customerId);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await payments.placed({ orderId, customerId, total: { amount: 50, currency: 'EUR' }, paymentMethodId });
    await payments.paymentIn(orderId, 'voided');
  });

  it('drops a malformed event instead of retrying it forever', async () => {
    await payments.publish('inventory', topics.stockReserved, { reservationId: 'no order id' });
    await settle();
    // Nothing to observe but that the bus settles: a dropped event is not retried.
  });
});
