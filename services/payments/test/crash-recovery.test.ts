import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EventEnvelope, type Topic, topics } from '@shop/contracts';
import {
  createDataSource,
  createLogger,
  type HandlerContext,
  inboxIntake,
  type Subscription,
  transaction,
} from '@shop/kit';
import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { PaymentGateway, PaymentsDeps } from '../src/application/ports';
import { recordPendingPayment } from '../src/application/record-pending-payment';
import { refundPayment } from '../src/application/refund-payment';
import { cardFingerprints } from '../src/infrastructure/card-fingerprint';
import { paymentsEntities } from '../src/infrastructure/entities';
import { paymentsMigrations } from '../src/infrastructure/migrations';
import { paymentsMetricsIn } from '../src/infrastructure/payments-metrics';
import { simulatedGatewayEntities } from '../src/infrastructure/simulated-gateway/entities';
import { simulatedGatewayMigrations } from '../src/infrastructure/simulated-gateway/migrations';
import { SimulatedCardGateway } from '../src/infrastructure/simulated-gateway/simulated-card-gateway';
import { paymentStoreOf } from '../src/infrastructure/typeorm-payment-store';
import { paymentsSubscriptions } from '../src/subscriptions/payments-subscriptions';

/**
 * The gateway commits on its own, so a payments transaction can fail after the gateway acted (a crash, a lost
 * connection). These tests make exactly that happen and show that the retry reaches the same authorization,
 * capture or refund: the card is never charged or refunded twice.
 */
let dataSource: DataSource;
let gatewayDataSource: DataSource;
let gateway: SimulatedCardGateway;
let subscriptions: Subscription[];
let deps: PaymentsDeps;
/** The next call of this gateway operation succeeds at the gateway, then fails on its way back. */
const ctx: HandlerContext = { log: createLogger({ name: 'payments-recovery', level: 'fatal' }) };
const failAfter = new Set<'capture' | 'refund'>();

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'payments-recovery-'));
  dataSource = createDataSource(`sqlite:${join(dir, 'payments.sqlite')}`, {
    entities: paymentsEntities,
    migrations: paymentsMigrations,
  });
  gatewayDataSource = createDataSource(`sqlite:${join(dir, 'payments-gateway.sqlite')}`, {
    entities: simulatedGatewayEntities,
    migrations: simulatedGatewayMigrations,
  });
  await dataSource.initialize();
  await gatewayDataSource.initialize();
  const clock = { now: () => new Date() };
  gateway = new SimulatedCardGateway({ dataSource: gatewayDataSource, clock, paymentMethodTtlSeconds: 3_600 });
  const crashing = <T>(operation: 'capture' | 'refund', done: Promise<T>): Promise<T> =>
    done.then((answer) => {
      if (!failAfter.delete(operation)) return answer;
      throw new Error(`connection lost after the gateway's ${operation}`);
    });
  const flaky: PaymentGateway = {
    tokenize: (card) => gateway.tokenize(card),
    describe: (id) => gateway.describe(id),
    authorize: (request) => gateway.authorize(request),
    capture: (request) => crashing('capture', gateway.capture(request)),
    void: (request) => gateway.void(request),
    refund: (request) => crashing('refund', gateway.refund(request)),
  };
  deps = { gateway: flaky, clock, cardFingerprint: cardFingerprints('a-test-card-fingerprint-secret-of-32+') };
  subscriptions = inboxIntake(paymentsSubscriptions, {
    service: 'payments',
    log: createLogger({ name: 'payments-recovery', level: 'fatal' }),
    dataSource,
    deps: { payments: deps, storeOf: paymentStoreOf, metrics: paymentsMetricsIn(new Registry()) },
  });
});
afterAll(async () => {
  await gatewayDataSource.destroy();
  await dataSource.destroy();
});

function deliver(topic: Topic, data: unknown, id: string = randomUUID()) {
  const subscription = subscriptions.find((candidate) => candidate.topic === topic);
  if (!subscription) throw new Error(`no subscription to ${topic}`);
  const event: EventEnvelope = { id, type: topic, occurredAt: new Date().toISOString(), data };
  return subscription.handle(event);
}

async function placeOrder(amount: number) {
  const vaulted = await gateway.tokenize({ cardNumber: '4242424242424242', expMonth: 12, expYear: 2099, cvc: '123' });
  if (!vaulted.ok) throw new Error('vaulting failed');
  const order = { orderId: randomUUID(), customerId: randomUUID() };
  const total = { amount, currency: 'EUR' };
  // As placement opens it (POST /internal/payments) before the order is announced.
  await transaction(dataSource, (tx) =>
    recordPendingPayment(
      ctx,
      { ...order, total, paymentMethodId: vaulted.card.paymentMethodId, review: false },
      { ...deps, store: paymentStoreOf(tx) },
    ),
  );
  return order;
}

/** inventory.stock-reserved for the order, as inventory publishes it. */
const stockReserved = (orderId: string) => ({
  orderId,
  reservationId: randomUUID(),
  lines: [{ productId: randomUUID(), quantity: 1 }],
  expiresAt: new Date(Date.now() + 900_000).toISOString(),
});

const payment = async (orderId: string) =>
  (
    await dataSource.query('SELECT id, status, refunded_amount AS refunded FROM payments WHERE order_id = ?', [orderId])
  )[0];
const charges = (paymentId: string) =>
  gatewayDataSource.query('SELECT status, refunded_amount AS refunded FROM gateway_charges WHERE idempotency_key = ?', [
    `payment:${paymentId}`,
  ]);
const gatewayRefunds = (paymentId: string) =>
  gatewayDataSource.query(
    'SELECT amount FROM gateway_refunds WHERE charge_id IN (SELECT id FROM gateway_charges WHERE idempotency_key = ?)',
    [`payment:${paymentId}`],
  );
const published = async (topic: Topic, orderId: string) =>
  (
    await dataSource.query('SELECT count(*) AS n FROM outbox_events WHERE topic = ? AND payload LIKE ?', [
      topic,
      `%${orderId}%`,
    ])
  )[0].n;

describe('after the gateway acted and the payments transaction failed', () => {
  it('a redelivered stock-reserved finds the capture already made and charges nothing more', async () => {
    const { orderId } = await placeOrder(900);
    const reserved = randomUUID();
    failAfter.add('capture');
    await expect(deliver(topics.stockReserved, stockReserved(orderId), reserved)).rejects.toThrow(/connection lost/);
    const pending = await payment(orderId);
    expect(pending.status).toBe('pending');
    expect(await charges(pending.id)).toEqual([{ status: 'captured', refunded: 0 }]);

    expect(await deliver(topics.stockReserved, stockReserved(orderId), reserved)).toBe('success');
    expect((await payment(orderId)).status).toBe('captured');
    expect(await charges(pending.id)).toEqual([{ status: 'captured', refunded: 0 }]);
    expect(await published(topics.paymentSucceeded, orderId)).toBe(1);
  });

  it('a cancellation arriving instead finds the capture, records it and gives the money back', async () => {
    const { orderId, customerId } = await placeOrder(650);
    failAfter.add('capture');
    await expect(deliver(topics.stockReserved, stockReserved(orderId))).rejects.toThrow(/connection lost/);
    const cancelled = { orderId, customerId, status: 'Cancelled', at: new Date().toISOString() };
    expect(await deliver(topics.orderCancelled, cancelled)).toBe('success');
    const settled = await payment(orderId);
    expect(settled).toEqual(expect.objectContaining({ status: 'refunded', refunded: 650 }));
    expect(await charges(settled.id)).toEqual([{ status: 'captured', refunded: 650 }]);
    expect(await published(topics.paymentRefunded, orderId)).toBe(1);
  });

  it('a retried refund under the same refund id reaches the same gateway refund', async () => {
    const { orderId } = await placeOrder(1000);
    await deliver(topics.stockReserved, stockReserved(orderId));
    const { id: paymentId } = await payment(orderId);
    const refund = { paymentId, amount: { amount: 400, currency: 'EUR' }, reason: 'retried', refundId: randomUUID() };
    const run = () =>
      transaction(dataSource, (tx) => refundPayment(ctx, refund, { ...deps, store: paymentStoreOf(tx) }));

    failAfter.add('refund');
    await expect(run()).rejects.toThrow(/connection lost/);
    expect((await payment(orderId)).refunded).toBe(0);
    expect(await gatewayRefunds(paymentId)).toEqual([{ amount: 400 }]);

    expect(await run()).toEqual(expect.objectContaining({ ok: true }));
    expect(await payment(orderId)).toEqual(expect.objectContaining({ status: 'partially_refunded', refunded: 400 }));
    expect(await gatewayRefunds(paymentId)).toEqual([{ amount: 400 }]);
    expect(await charges(paymentId)).toEqual([{ status: 'captured', refunded: 400 }]);
  });
});
