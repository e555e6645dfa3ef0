import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { type EventEnvelope, type Topic, topics } from '@shop/contracts';
import {
  createDataSource,
  createLogger,
  type HandlerContext,
  inboxIntake,
  type Subscription,
  transaction,
} from '@shop/kit';
import { type PostgresServer, startPostgres } from '@shop/testkit/src/postgres';
import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { PaymentGateway, PaymentsDeps } from '../src/application/ports';
import { type RecordPendingPayment, recordPendingPayment } from '../src/application/record-pending-payment';
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

const logDir = join(resolve(__dirname, '../../..'), '.tmp/test-logs/payments-postgres');
const ctx: HandlerContext = { log: createLogger({ name: 'payments-postgres-test', level: 'fatal' }) };

let postgres: PostgresServer;
let dataSource: DataSource;
let gatewayDataSource: DataSource;
let gateway: SimulatedCardGateway;
let deps: PaymentsDeps;
let subscriptions: Subscription[];
/** How often the gateway was asked to move money, whatever it answered. */
const calls = { authorize: 0, capture: 0, refund: 0 };

beforeAll(async () => {
  postgres = await startPostgres({ logDir });
  const url = await postgres.createDatabase('payments');
  dataSource = createDataSource(url, { entities: paymentsEntities, migrations: paymentsMigrations, poolSize: 20 });
  await dataSource.initialize();
  // The default outside SQLite: the gateway's tables in the same database, through a pool of their own.
  gatewayDataSource = createDataSource(url, {
    entities: simulatedGatewayEntities,
    migrations: simulatedGatewayMigrations,
    poolSize: 5,
  });
  await gatewayDataSource.initialize();
  const clock = { now: () => new Date() };
  gateway = new SimulatedCardGateway({ dataSource: gatewayDataSource, clock, paymentMethodTtlSeconds: 3_600 });
  const counted: PaymentGateway = {
    tokenize: (card) => gateway.tokenize(card),
    describe: (id) => gateway.describe(id),
    authorize(request) {
      calls.authorize += 1;
      return gateway.authorize(request);
    },
    capture(request) {
      calls.capture += 1;
      return gateway.capture(request);
    },
    void: (request) => gateway.void(request),
    refund(request) {
      calls.refund += 1;
      return gateway.refund(request);
    },
  };
  deps = { gateway: counted, clock, cardFingerprint: cardFingerprints('a-test-card-fingerprint-secret-of-32+') };
  subscriptions = inboxIntake(paymentsSubscriptions, {
    service: 'payments',
    log: createLogger({ name: 'payments-postgres', level: 'fatal' }),
    dataSource,
    deps: { payments: deps, storeOf: paymentStoreOf, metrics: paymentsMetricsIn(new Registry()) },
  });
}, 120_000);
afterAll(async () => {
  await gatewayDataSource?.destroy();
  await dataSource?.destroy();
  await postgres?.stop();
});
beforeEach(() => {
  calls.authorize = 0;
  calls.capture = 0;
  calls.refund = 0;
});

function deliver(topic: Topic, data: unknown, id: string = randomUUID()) {
  const subscription = subscriptions.find((candidate) => candidate.topic === topic);
  if (!subscription) throw new Error(`no subscription to ${topic}`);
  const event: EventEnvelope = { id, type: topic, occurredAt: new Date().toISOString(), data };
  return subscription.handle(event);
}

/** Placement opens the order's payment before it announces the order (the internal route's unit of work). */
function openPayment(input: RecordPendingPayment) {
  return transaction(dataSource, (tx) => recordPendingPayment(ctx, input, { ...deps, store: paymentStoreOf(tx) }));
}

async function placeOrder(amount = 1000) {
  const vaulted = await gateway.tokenize({ cardNumber: '4242424242424242', expMonth: 12, expYear: 2099, cvc: '123' });
  if (!vaulted.ok) throw new Error('vaulting failed');
  const orderId = randomUUID();
  const customerId = randomUUID();
  const total = { amount, currency: 'EUR' };
  const opened = await openPayment({ orderId, customerId, total, paymentMethodId: vaulted.card.paymentMethodId });
  expect(opened.outcome).toBe('recorded');
  return { orderId, customerId };
}

/** inventory.stock-reserved for the order, as inventory publishes it. */
function stockReserved(orderId: string) {
  return {
    orderId,
    reservationId: randomUUID(),
    lines: [{ productId: randomUUID(), quantity: 1 }],
    expiresAt: new Date(Date.now() + 900_000).toISOString(),
  };
}

async function paymentRow(orderId: string) {
  const [row] = await dataSource.query(
    'SELECT id, status, refunded_amount::int AS refunded FROM payments WHERE order_id = $1',
    [orderId],
  );
  return row as { id: string; status: string; refunded: number };
}

async function outboxCount(topic: Topic, orderId: string): Promise<number> {
  const [{ n }] = await dataSource.query(
    'SELECT count(*)::int AS n FROM outbox_events WHERE topic = $1 AND payload LIKE $2',
    [topic, `%${orderId}%`],
  );
  return n;
}

async function gatewayCharges(paymentId: string) {
  return gatewayDataSource.query(
    'SELECT status, refunded_amount::int AS refunded FROM gateway_charges WHERE idempotency_key = $1',
    [`payment:${paymentId}`],
  );
}

describe('payments on PostgreSQL', () => {
  it('captures exactly once when twenty deliveries of stock-reserved for one order race', async () => {
    const { orderId } = await placeOrder(2500);
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () => deliver(topics.stockReserved, stockReserved(orderId))),
    );
    expect(outcomes).toEqual(Array(20).fill('success'));
    const payment = await paymentRow(orderId);
    expect(payment.status).toBe('captured');
    expect(calls).toEqual({ authorize: 1, capture: 1, refund: 0 });
    expect(await gatewayCharges(payment.id)).toEqual([{ status: 'captured', refunded: 0 }]);
    expect(await outboxCount(topics.paymentSucceeded, orderId)).toBe(1);
    const [{ n }] = await dataSource.query(
      "SELECT count(*)::int AS n FROM inbox_events WHERE consumer = 'payments.inventory.stock-reserved'",
    );
    expect(n).toBeGreaterThanOrEqual(20);
  });

  it('records one payment when twenty retried placements of one order race', async () => {
    const vaulted = await gateway.tokenize({ cardNumber: '4242424242424242', expMonth: 12, expYear: 2099, cvc: '123' });
    if (!vaulted.ok) throw new Error('vaulting failed');
    const input = {
      orderId: randomUUID(),
      customerId: randomUUID(),
      total: { amount: 100, currency: 'EUR' },
      paymentMethodId: vaulted.card.paymentMethodId,
    };
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => openPayment(input)));
    expect(outcomes.map((result) => result.outcome).sort()).toEqual([...Array(19).fill('duplicate'), 'recorded']);
    const [{ n }] = await dataSource.query('SELECT count(*)::int AS n FROM payments WHERE order_id = $1', [
      input.orderId,
    ]);
    expect(n).toBe(1);
  });

  it('never lets concurrent refunds exceed the captured amount', async () => {
    const { orderId } = await placeOrder(1000);
    await deliver(topics.stockReserved, stockReserved(orderId));
    const payment = await paymentRow(orderId);
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        transaction(dataSource, (tx) =>
          refundPayment(
            ctx,
            { paymentId: payment.id, amount: { amount: 300, currency: 'EUR' }, reason: 'race', refundId: randomUUID() },
            { ...deps, store: paymentStoreOf(tx) },
          ),
        ),
      ),
    );
    expect(results.filter((result) => result.ok)).toHaveLength(3);
    expect(results.filter((result) => !result.ok && result.reason === 'exceeds-refundable')).toHaveLength(7);
    expect(await paymentRow(orderId)).toEqual(expect.objectContaining({ status: 'partially_refunded', refunded: 900 }));
    expect(await gatewayCharges(payment.id)).toEqual([{ status: 'captured', refunded: 900 }]);
    expect(await outboxCount(topics.paymentRefunded, orderId)).toBe(3);
    const [{ n }] = await dataSource.query('SELECT count(*)::int AS n FROM refunds WHERE payment_id = $1', [
      payment.id,
    ]);
    expect(n).toBe(3);
  });

  it('refunds once when a cancellation races admin refunds and redeliveries of itself', async () => {
    const { orderId, customerId } = await placeOrder(1000);
    await deliver(topics.stockReserved, stockReserved(orderId));
    const payment = await paymentRow(orderId);
    const cancelled = { orderId, customerId, status: 'Cancelled', at: new Date().toISOString() };
    await Promise.all([
      ...Array.from({ length: 5 }, () => deliver(topics.orderCancelled, cancelled)),
      ...Array.from({ length: 5 }, () =>
        transaction(dataSource, (tx) =>
          refundPayment(
            ctx,
            { paymentId: payment.id, amount: { amount: 150, currency: 'EUR' }, reason: 'race', refundId: randomUUID() },
            { ...deps, store: paymentStoreOf(tx) },
          ),
        ),
      ),
    ]);
    expect(await paymentRow(orderId)).toEqual(expect.objectContaining({ status: 'refunded', refunded: 1000 }));
    expect(await gatewayCharges(payment.id)).toEqual([{ status: 'captured', refunded: 1000 }]);
    const [{ cancellations }] = await dataSource.query(
      "SELECT count(*)::int AS cancellations FROM refunds WHERE payment_id = $1 AND reason = 'order-cancelled'",
      [payment.id],
    );
    expect(cancellations).toBe(1);
  });

  it('either voids or charges-and-refunds when a cancellation races the charge, never keeps the money', async () => {
    const orders = await Promise.all(Array.from({ length: 8 }, () => placeOrder(400)));
    await Promise.all(
      orders.flatMap(({ orderId, customerId }) => [
        deliver(topics.stockReserved, stockReserved(orderId)),
        deliver(topics.orderCancelled, { orderId, customerId, status: 'Cancelled', at: new Date().toISOString() }),
      ]),
    );
    for (const { orderId } of orders) {
      const payment = await paymentRow(orderId);
      const charges: { status: string; refunded: number }[] = await gatewayCharges(payment.id);
      if (payment.status === 'voided') {
        expect(charges.every((charge) => charge.status !== 'captured')).toBe(true);
      } else {
        expect(payment).toEqual(expect.objectContaining({ status: 'refunded', refunded: 400 }));
        expect(charges).toEqual([{ status: 'captured', refunded: 400 }]);
      }
    }
  });
});
