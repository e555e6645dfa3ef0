import { createHmac, randomUUID } from 'node:crypto';
import type { RequestListener } from 'node:http';
import { join } from 'node:path';
import type { Assessment, AssessmentRequest, EventEnvelope, Money } from '@shop/contracts';
import { type EmbeddedPlatform, type ServiceManifest, sqliteBindingOptions } from '@shop/kit';
import { startWithFixtureIdentity } from '@shop/testkit/src/embedded-with-fixture';
import { signToken } from '@shop/testkit/src/jwt-fixture';
import { DataSource } from 'typeorm';
import { ordersService } from '../../src/service';

export interface CatalogStandIn {
  products: Map<string, { price: Money; status: 'active' | 'archived' }>;
  lookups: number;
  down: boolean;
}

export interface OrdersPlatform extends EmbeddedPlatform {
  catalog: CatalogStandIn;
  vaulted: Array<{ last4: string }>;
  /** The payments opened at payments, by order id: one per order, as payments keeps them. */
  opened: Map<string, { orderId: string; customerId: string; total: Money; review: boolean }>;
  /**
   * Registers the fraud stand-in as app `fraud` (until then no fraud app exists: every placement takes the
   * fallback). Its behaviour can be changed between tests through the answer.
   */
  useFraud(): FraudStandIn;
  /** When set, payments opens the payment and then fails to answer (a crash right after its commit). */
  payments: { failAfterOpening: boolean };
  published: Array<{ topic: string; event: EventEnvelope }>;
  tokenFor(customerId: string, roles?: string[]): string;
  send(
    method: string,
    path: string,
    options?: { body?: unknown; token?: string; headers?: Record<string, string> },
  ): Promise<Response>;
  /** Every row of every table of the orders database, read directly. */
  everyRow(): Promise<Record<string, Record<string, unknown>[]>>;
  /** Publishes as another service would, and waits until every delivery settled. */
  deliver(topic: string, data: unknown, id?: string): Promise<void>;
  stopAll(): Promise<void>;
}

/** The fraud service as orders sees it: what it was asked, and how it answers. */
export interface FraudStandIn {
  requests: AssessmentRequest[];
  /** score: answer this score; slow: answer after `delayMs`; failing: 500; invalid: a body that is no assessment. */
  behaviour:
    | { kind: 'score'; score: number; reasons: Assessment['reasons'] }
    | { kind: 'slow'; delayMs: number }
    | { kind: 'failing' }
    | { kind: 'invalid' };
}

const topicsSeen = [
  'orders.order-held',
  'orders.order-approved',
  'orders.order-placed',
  'orders.order-paid',
  'orders.order-failed',
  'orders.order-cancelled',
  'orders.order-shipped',
  'orders.order-delivered',
];

/** Reads a JSON request body of a stand-in service. */
async function readJson(req: Parameters<RequestListener>[0]): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
}

function reply(res: Parameters<RequestListener>[1], status: number, body: unknown) {
  res.writeHead(status, { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * The orders service in the embedded topology, with small stand-ins for the catalog (prices) and payments
 * (card vaulting) answering the same internal routes, and a recorder of everything orders publishes.
 */
export async function startOrders(env: Record<string, string> = {}): Promise<OrdersPlatform> {
  const { platform, key, dataDir, stop } = await startWithFixtureIdentity([ordersService as ServiceManifest], {
    name: 'orders',
    env,
  });
  const catalog: CatalogStandIn = { products: new Map(), lookups: 0, down: false };
  const standInCategory = randomUUID();
  const standInInstant = new Date().toISOString();
  const vaulted: Array<{ last4: string }> = [];
  const opened: OrdersPlatform['opened'] = new Map();
  const paymentsFaults = { failAfterOpening: false };
  const published: Array<{ topic: string; event: EventEnvelope }> = [];

  platform.bus.register('catalog', {
    listener: (req, res) => {
      void readJson(req).then((body) => {
        catalog.lookups += 1;
        if (catalog.down) return reply(res, 503, { status: 503, title: 'Service Unavailable' });
        const ids = (body as { ids: string[] }).ids;
        const items = ids.flatMap((id) => {
          const product = catalog.products.get(id);
          // The catalog's answer as it gives it (services/catalog, POST /internal/products/lookup).
          const facts = {
            sku: `sku-${id.slice(0, 8)}`,
            name: 'Thing',
            categoryId: standInCategory,
            updatedAt: standInInstant,
          };
          return product ? [{ id, ...facts, ...product }] : [];
        });
        reply(res, 200, { items });
      });
    },
  });
  platform.bus.register('payments', {
    listener: (req, res) => {
      void readJson(req).then((body) => {
        if (req.url === '/internal/payments') {
          // As payments does: one payment per order id; a retry finds it, another customer or amount is 409.
          const open = body as { orderId: string; customerId: string; total: Money; review: boolean };
          const existing = opened.get(open.orderId);
          if (existing && (existing.customerId !== open.customerId || existing.total.amount !== open.total.amount)) {
            return reply(res, 409, { status: 409, title: 'Another payment for this order' });
          }
          // A retried placement's answer on review is the one kept, as payments keeps it while the payment is pending.
          opened.set(open.orderId, existing ? { ...existing, review: open.review } : open);
          if (paymentsFaults.failAfterOpening) return reply(res, 503, { status: 503, title: 'Service Unavailable' });
          return reply(res, existing ? 200 : 201, { orderId: open.orderId, status: 'pending' });
        }
        const card = body as { cardNumber: string };
        const digits = card.cardNumber.replace(/ /g, '');
        if (!luhn(digits)) {
          return reply(res, 400, {
            status: 400,
            title: 'Invalid request',
            errors: [{ path: 'body.cardNumber', message: 'is not a valid card number' }],
          });
        }
        vaulted.push({ last4: digits.slice(-4) });
        reply(res, 201, {
          paymentMethodId: `pm_${vaulted.length}`,
          brand: 'visa',
          last4: digits.slice(-4),
          fingerprint: createHmac('sha256', 'stand-in').update(digits).digest('base64url'),
          ...(digits.startsWith('400000276') ? { country: 'DE' } : {}),
        });
      });
    },
  });
  platform.bus.register('recorder', {
    subscriptions: topicsSeen.map((topic) => ({
      topic,
      handle: async (event: EventEnvelope) => {
        published.push({ topic, event });
        return 'success' as const;
      },
    })),
  });

  const send: OrdersPlatform['send'] = (method, path, options = {}) =>
    fetch(`${platform.url}${path}`, {
      method,
      headers: {
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
  let fraud: FraudStandIn | undefined;
  const useFraud = (): FraudStandIn => {
    if (fraud) return fraud;
    const standIn: FraudStandIn = { requests: [], behaviour: { kind: 'score', score: 0, reasons: [] } };
    platform.bus.register('fraud', {
      listener: (req, res) => {
        void readJson(req).then(async (body) => {
          const request = body as AssessmentRequest;
          standIn.requests.push(request);
          const { behaviour } = standIn;
          if (behaviour.kind === 'failing') return reply(res, 500, { status: 500, title: 'Internal Server Error' });
          if (behaviour.kind === 'invalid') return reply(res, 200, { orderId: request.orderId, score: 'high' });
          if (behaviour.kind === 'slow') await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs));
          const answer: Assessment = {
            orderId: request.orderId,
            score: behaviour.kind === 'score' ? behaviour.score : 0,
            reasons: behaviour.kind === 'score' ? behaviour.reasons : [],
            assessedAt: new Date().toISOString(),
          };
          reply(res, 200, answer);
        });
      },
    });
    fraud = standIn;
    return standIn;
  };
  return Object.assign(platform, {
    useFraud,
    catalog,
    vaulted,
    opened,
    payments: paymentsFaults,
    published,
    send,
    tokenFor: (customerId: string, roles = ['customer']) => signToken(key, { roles }, { subject: customerId }),
    async everyRow() {
      // A second connection beside the service's: SQLite in WAL mode lets it read while the service writes.
      const db = new DataSource({
        type: 'better-sqlite3',
        database: join(dataDir, 'orders.sqlite'),
        readonly: true,
        ...sqliteBindingOptions(),
      });
      await db.initialize();
      try {
        const rows: Record<string, Record<string, unknown>[]> = {};
        const tables: { name: string }[] = await db.query("SELECT name FROM sqlite_master WHERE type = 'table'");
        for (const { name } of tables) rows[name] = await db.query(`SELECT * FROM "${name}"`);
        return rows;
      } finally {
        await db.destroy();
      }
    },
    async deliver(topic: string, data: unknown, id = crypto.randomUUID()) {
      await platform.bus
        .meshFor('elsewhere')
        .publish(topic, { id, type: topic, occurredAt: new Date().toISOString(), data });
      await platform.bus.drain();
    },
    stopAll: stop,
  });
}

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return digits.length >= 12 && sum % 10 === 0;
}
