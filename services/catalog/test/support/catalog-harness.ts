import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventEnvelope, StockChanged } from '@shop/contracts';
import {
  answerReadyReads,
  authenticate,
  createDataSource,
  createHttpApp,
  createJwtVerifier,
  createLogger,
  createMetricsRegistry,
  EmbeddedBus,
  type Mesh,
  OutboxEvent,
  SessionCheck,
  serviceRuntime,
} from '@shop/kit';
import { audience, issuer, lookUpSession, newSigningKey, serveJwks, signToken } from '@shop/testkit/src/jwt-fixture';
import { json, listen } from '@shop/testkit/src/listen';
import type { DataSource } from 'typeorm';
import { assembleCatalog, type Catalog } from '../../src/assemble-catalog';
import { catalogEntities } from '../../src/infrastructure/entities';
import { catalogMigrations } from '../../src/infrastructure/migrations';

export interface HarnessOptions {
  /** Defaults to a SQLite file in a fresh temporary directory. */
  databaseUrl?: string;
  cacheTtlSeconds?: number;
  /** Wraps the catalog's mesh, e.g. to make its state store fail. */
  mesh?: (mesh: Mesh) => Mesh;
}

export interface RequestOptions {
  body?: unknown;
  /** 'admin', 'customer', a raw token, or none. */
  as?: 'admin' | 'customer' | { token: string };
  headers?: Record<string, string>;
}

export interface ProductInput {
  sku: string;
  name: string;
  description?: string;
  price: { amount: number; currency: string };
  categoryId: string;
  initialStock?: number;
}

// Generating an RSA key takes a while; one per test file is enough.
let signingKey: ReturnType<typeof newSigningKey> | undefined;

/** The catalog as the host runs it (same routes, middleware and problem documents), on its own port. */
export async function startCatalog(options: HarnessOptions = {}) {
  const directory = options.databaseUrl ? undefined : mkdtempSync(join(tmpdir(), 'catalog-test-'));
  const databaseUrl = options.databaseUrl ?? `sqlite:${join(directory ?? '', 'catalog.sqlite')}`;
  const log = createLogger({ name: 'catalog-test', level: 'fatal' });
  signingKey ??= newSigningKey('catalog-test');
  const key = signingKey;
  const jwks = await serveJwks([key]);
  const verifier = createJwtVerifier({
    jwksUri: `${jwks.url}/jwks`,
    issuer,
    audience,
    sessions: new SessionCheck({ lookup: lookUpSession }),
  });
  const dataSource = createDataSource(databaseUrl, { entities: catalogEntities, migrations: catalogMigrations });
  await dataSource.initialize();
  const bus = new EmbeddedBus({ logger: log, retry: { maxAttempts: 2, initialBackoffMs: 10, maxBackoffMs: 10 } });
  const mesh = options.mesh ? options.mesh(bus.meshFor('catalog')) : bus.meshFor('catalog');
  const catalog: Catalog = assembleCatalog({
    dataSource,
    mesh,
    log,
    authenticate: authenticate(verifier),
    cacheTtlSeconds: options.cacheTtlSeconds ?? 60,
  });
  // What the host runs around the catalog's parts (relay, readiness, shutdown); started by the tests that need it.
  const runtime = serviceRuntime({
    log,
    dataSource,
    outbox: { publish: (topic, event) => mesh.publish(topic, event), pollIntervalMs: 50 },
    close: () => catalog.close?.(),
  });
  bus.register('catalog', { subscriptions: catalog.subscriptions });
  const metrics = createMetricsRegistry();
  const app = createHttpApp({
    name: 'catalog',
    log,
    metrics,
    health: { accepting: true },
    readiness: () => runtime.readiness,
    routers: [catalog.router],
  });
  const readyReads = { service: 'catalog', log, metrics };
  const server = await listen(answerReadyReads(catalog.readyReads ?? [], app.callback(), readyReads));
  // The Koa pipeline alone, for tests proving the ready reads answer exactly what it answers.
  const pipelineOnly = await listen(app.callback());
  const tokens = {
    admin: signToken(key, { roles: ['admin'] }, { subject: 'admin-1' }),
    otherAdmin: signToken(key, { roles: ['admin'] }, { subject: 'admin-2' }),
    customer: signToken(key, { roles: ['customer'] }, { subject: 'customer-1' }),
  };

  const request = (method: string, path: string, { body, as, headers = {} }: RequestOptions = {}) => {
    const token = as === undefined ? undefined : typeof as === 'string' ? tokens[as] : as.token;
    return fetch(`${server.url}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  };

  /** Answers the parsed body, failing the test with the body when the status is not the one expected. */
  const expectStatus = async (res: Response, status: number) => {
    const text = await res.text();
    if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text}`);
    // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON documents
    return (text ? JSON.parse(text) : undefined) as any;
  };

  const given = {
    async category(name: string, parentId?: string): Promise<{ id: string; name: string; parentId: string | null }> {
      return expectStatus(await request('POST', '/api/categories', { as: 'admin', body: { name, parentId } }), 201);
    },
    // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON documents
    async product(input: Partial<ProductInput> & { categoryId: string }): Promise<any> {
      const body: ProductInput = {
        sku: `SKU-${randomUUID().slice(0, 8)}`,
        name: 'Plain mug',
        price: { amount: 1000, currency: 'EUR' },
        ...input,
      };
      return expectStatus(await request('POST', '/api/products', { as: 'admin', body }), 201);
    },
  };

  let nextVersion = 1;
  /** Delivers an inventory.stock-changed event straight to the catalog's subscription. */
  const stockChanged = (productId: string, available: number, version = nextVersion++, id = randomUUID()) => {
    const event: EventEnvelope<StockChanged> = {
      id,
      type: 'inventory.stock-changed',
      occurredAt: new Date().toISOString(),
      data: { productId, onHand: available, reserved: 0, available, version, at: new Date().toISOString() },
    };
    const subscription = catalog.subscriptions?.find((s) => s.topic === 'inventory.stock-changed');
    if (!subscription) throw new Error('the catalog does not subscribe to inventory.stock-changed');
    return subscription.handle(event);
  };

  const outbox = async () =>
    (await dataSource.manager.find(OutboxEvent, { order: { seq: 'ASC' } })).map((row) => ({
      topic: row.topic,
      type: row.type,
      id: row.id,
      data: JSON.parse(row.payload),
    }));

  return {
    url: server.url,
    pipelineOnlyUrl: pipelineOnly.url,
    metrics,
    catalog,
    dataSource: dataSource as DataSource,
    bus,
    tokens,
    request,
    expectStatus,
    json,
    given,
    stockChanged,
    outbox,
    /** Starts the relay, as the host does once the server listens. */
    start: () => runtime.start(),
    async stop() {
      await server.close();
      await pipelineOnly.close();
      await runtime.stop();
      await bus.close();
      await jwks.close();
      if (directory) rmSync(directory, { recursive: true, force: true });
    },
  };
}

export type CatalogHarness = Awaited<ReturnType<typeof startCatalog>>;
