import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import {
  type EventEnvelope,
  type Money,
  type OrderStatusEvent,
  type StockReservationFailed,
  type StockReserved,
  type Topic,
  topics,
} from '@shop/contracts';
import { type Logger, type ServiceManifest, sqliteBindingOptions } from '@shop/kit';
import { startWithFixtureIdentity } from '@shop/testkit/src/embedded-with-fixture';
import { signToken } from '@shop/testkit/src/jwt-fixture';
import { json } from '@shop/testkit/src/listen';
import { DataSource } from 'typeorm';
import { paymentsService } from '../../src/service';

export const cards = {
  approved: '4242424242424242',
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
  expiredCard: '4000000000000069',
  processingError: '4000000000000119',
  /** Luhn-valid and not a test card: approved. */
  otherMastercard: '5555555555554444',
} as const;

const paymentTopics: Topic[] = [topics.paymentSucceeded, topics.paymentFailed, topics.paymentRefunded];

export interface StartOptions {
  env?: Record<string, string>;
  /** The platform's logger (every service logs through it); a quiet one by default. */
  log?: Logger;
}

/**
 * The payments service hosted as the platform hosts it (the embedded topology: the kit's host, the in-process
 * mesh, SQLite files), with a JWKS for tokens, and a recorder app on the bus that keeps every payments event.
 */
export async function startPayments(options: StartOptions = {}) {
  const { platform, key, dataDir, stop } = await startWithFixtureIdentity([paymentsService as ServiceManifest], {
    name: 'payments',
    env: options.env,
    log: options.log,
  });
  const seen: EventEnvelope[] = [];
  platform.bus.register('recorder', {
    subscriptions: paymentTopics.map((topic) => ({
      topic,
      async handle(event) {
        seen.push(event);
        return 'success' as const;
      },
    })),
  });

  const admin = signToken(key, { roles: ['admin'] }, { subject: randomUUID() });
  const customer = (customerId: string = randomUUID()) =>
    signToken(key, { roles: ['customer'] }, { subject: customerId });

  const request = (
    method: string,
    path: string,
    init: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) =>
    fetch(`${platform.url}${path}`, {
      method,
      headers: {
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...init.headers,
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });

  /** What another service publishes, e.g. orders or inventory. */
  const publish = async <T>(from: string, topic: Topic, data: T, id: string = randomUUID()) => {
    const event: EventEnvelope<T> = { id, type: topic, occurredAt: new Date().toISOString(), data };
    await platform.bus.meshFor(from).publish(topic, event);
    return event;
  };

  const payments = {
    platform,
    dataDir,
    tokens: { admin, customer },
    request,
    publish,
    /** Events payments published, in the order they arrived, with their envelopes. */
    envelopes: (topic: Topic) => seen.filter((event) => event.type === topic),
    /** The data of the events payments published on a topic. */
    events: <T = Record<string, unknown>>(topic: Topic) =>
      seen.filter((event) => event.type === topic).map((event) => event.data as T),
    allEvents: () => [...seen],
    /** Service invocation of the vaulting route, as the orders service makes it. */
    vault: (card: Record<string, unknown>) =>
      platform.bus.meshFor('orders').invoke('payments', '/internal/payment-methods', { method: 'POST', body: card }),
    async vaultCard(cardNumber: string, cvc = '314'): Promise<string> {
      const answer = await payments.vault({ cardNumber, expMonth: 12, expYear: nextYear(), cvc });
      if (answer.status !== 201) throw new Error(`vaulting answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      return (answer.body as { paymentMethodId: string }).paymentMethodId;
    },
    /** Placement's opening of the order's payment (POST /internal/payments), answered 201 or 200 (already open). */
    async placed(order: { orderId: string; customerId: string; total: Money; paymentMethodId: string }) {
      const answer = await payments.open(order);
      if (answer.status !== 201 && answer.status !== 200) {
        throw new Error(`opening the payment answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      }
      return answer;
    },
    reserved(orderId: string, id?: string) {
      return publish<StockReserved>(
        'inventory',
        topics.stockReserved,
        {
          orderId,
          reservationId: randomUUID(),
          lines: [{ productId: randomUUID(), quantity: 1 }],
          expiresAt: new Date(Date.now() + 900_000).toISOString(),
        },
        id,
      );
    },
    reservationFailed(orderId: string, id?: string) {
      return publish<StockReservationFailed>(
        'inventory',
        topics.stockReservationFailed,
        { orderId, reason: 'insufficient-stock', shortages: [] },
        id,
      );
    },
    orderEnded(topic: Topic, orderId: string, customerId: string, id?: string) {
      const status = topic === topics.orderCancelled ? 'Cancelled' : 'Failed';
      return publish<OrderStatusEvent>(
        'orders',
        topic,
        {
          orderId,
          customerId,
          status,
          at: new Date().toISOString(),
          ...(status === 'Failed' ? { failureReason: 'PaymentDeclined' as const } : {}),
        },
        id,
      );
    },
    /** orders.order-approved: an admin approved the held order (Pending again). */
    approved(orderId: string, customerId: string, id?: string) {
      return publish<OrderStatusEvent>(
        'orders',
        topics.orderApproved,
        { orderId, customerId, status: 'Pending', at: new Date().toISOString() },
        id,
      );
    },
    /** Placement's opening of the order's payment (POST /internal/payments), as orders invokes it. */
    open(order: { orderId: string; customerId: string; total: Money; paymentMethodId: string; review?: boolean }) {
      return platform.bus.meshFor('orders').invoke('payments', '/internal/payments', { method: 'POST', body: order });
    },
    /** A vaulted card, an order placed with it, and the order's payment once payments recorded it. */
    async placeOrder(cardNumber: string = cards.approved, total: Money = { amount: 4999, currency: 'EUR' }) {
      const orderId = randomUUID();
      const customerId = randomUUID();
      const paymentMethodId = await payments.vaultCard(cardNumber);
      await payments.placed({ orderId, customerId, total, paymentMethodId });
      const payment = await eventually(async () => {
        const found = await payments.paymentOf(orderId);
        expect(found).toBeDefined();
        return found;
      });
      return { orderId, customerId, paymentMethodId, total, payment };
    },
    /** The order's payment as an admin reads it, or undefined. */
    async paymentOf(orderId: string) {
      const res = await request('GET', `/api/payments?orderId=${orderId}`, { token: admin });
      if (res.status !== 200) throw new Error(`listing payments answered ${res.status}`);
      return (await json(res)).items[0] as PaymentView | undefined;
    },
    /** Waits for the order's payment to reach `status`. */
    async paymentIn(orderId: string, status: string) {
      return eventually(async () => {
        const payment = await payments.paymentOf(orderId);
        expect(payment?.status).toBe(status);
        return payment as PaymentView;
      });
    },
    refund(paymentId: string, amount: Money, headers: Record<string, string> = {}) {
      return request('POST', `/api/payments/${paymentId}/refunds`, {
        token: admin,
        body: { amount, reason: 'customer asked' },
        headers,
      });
    },
    /** Every row of every table of both databases (payments, and the simulated gateway's), read directly. */
    async everyRow(): Promise<Record<string, Record<string, unknown>[]>> {
      const rows: Record<string, Record<string, unknown>[]> = {};
      for (const file of ['payments.sqlite', 'payments-gateway.sqlite']) {
        await withSqlite(join(dataDir, file), async (db) => {
          const tables: { name: string }[] = await db.query("SELECT name FROM sqlite_master WHERE type = 'table'");
          for (const { name } of tables) rows[`${file}:${name}`] = await db.query(`SELECT * FROM "${name}"`);
        });
      }
      return rows;
    },
    /** Rows of the simulated gateway's ledger, read directly. */
    gatewayQuery<T = Record<string, unknown>>(sql: string, parameters: unknown[] = []): Promise<T[]> {
      return withSqlite(join(dataDir, 'payments-gateway.sqlite'), (db) => db.query(sql, parameters));
    },
    stop,
  };
  return payments;
}

export type RunningPayments = Awaited<ReturnType<typeof startPayments>>;

export interface PaymentView {
  id: string;
  orderId: string;
  customerId: string;
  status: string;
  amount: Money;
  refundedAmount: Money;
  cardLast4: string | null;
  cardBrand: string | null;
  failureReason?: string;
  createdAt: string;
  updatedAt: string;
}

export function nextYear(): number {
  return new Date().getUTCFullYear() + 1;
}

async function withSqlite<T>(path: string, work: (db: DataSource) => Promise<T>): Promise<T> {
  // A second connection beside the service's: SQLite in WAL mode lets it read while the service writes.
  const db = new DataSource({ type: 'better-sqlite3', database: path, readonly: true, ...sqliteBindingOptions() });
  await db.initialize();
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

import { eventually } from '@shop/testkit/src/eventually';

export { eventually };
