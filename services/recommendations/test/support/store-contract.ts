import { randomUUID } from 'node:crypto';
import { type EventEnvelope, type Topic, topics } from '@shop/contracts';
import { type CatalogProduct, createLogger, inboxIntake, type Subscription } from '@shop/kit';
import { recordStatements } from '@shop/testkit/src/sql-statements';
import type { DataSource } from 'typeorm';
import { CachedReads } from '../../src/application/cached-reads';
import { describeProducts } from '../../src/application/project-products';
import { recommendForCustomer, recommendForProduct } from '../../src/application/recommend';
import { defaultLearningBounds } from '../../src/domain/co-occurrence';
import { maxGrowthExponent } from '../../src/domain/decay';
import {
  learningStoreOf,
  modelReads,
  productRecords,
  projectionStoreOf,
  projectionWriter,
} from '../../src/infrastructure/typeorm-stores';
import { recommendationSubscriptions } from '../../src/subscriptions/recommendation-subscriptions';

export interface StoreDatabase {
  /** A new connection pool on the same database: a replica of the service, or the service after a restart. */
  open(): Promise<DataSource>;
  close(): Promise<void>;
}

const log = createLogger({ name: 'recommendations-test', level: 'fatal' });
const ctx = { log };
const dayMs = 86_400_000;
const halfLifeMs = 30 * dayMs;
const cacheTtlMs = 1_000;

/** One replica: its intake and its cached reads, on its own DataSource. */
function replica(dataSource: DataSource, clock: { nowMs: number }, catalog: Map<string, CatalogProduct>) {
  const owners = {
    catalog: {
      lookUp: async (ids: string[]) =>
        ids.flatMap((id) => (catalog.has(id) ? [catalog.get(id) as CatalogProduct] : [])),
    },
    inventory: { levelsOf: async (productId: string) => ({ productId, available: 3, version: 1 }) },
  };
  const reads = new CachedReads({
    model: modelReads(dataSource),
    describe: (ids) =>
      describeProducts(
        ctx,
        { productIds: ids },
        {
          read: (productIds) => productRecords(dataSource.manager, productIds),
          write: projectionWriter(dataSource, log),
          owners,
        },
      ),
    settings: { ttlMs: cacheTtlMs, maxEntries: 1000, maxListed: 50, nowMs: () => clock.nowMs },
  });
  const subscriptions = inboxIntake(recommendationSubscriptions, {
    service: 'recommendations',
    log,
    dataSource,
    deps: {
      learningStoreOf,
      projectionStoreOf,
      settings: { ...defaultLearningBounds, halfLifeMs },
      learnt: (ids) => reads.learnt(ids),
      productChanged: () => reads.productChanged(),
    },
  });
  const intake = new Map<string, Subscription>(subscriptions.map((s) => [s.topic, s]));
  return {
    reads,
    /** Delivers the event twice, as a mesh redelivering it would. */
    async deliver<T>(topic: Topic, data: T, deliveries = 2): Promise<void> {
      const event: EventEnvelope<T> = { id: randomUUID(), type: topic, occurredAt: new Date().toISOString(), data };
      const subscription = intake.get(topic);
      if (!subscription) throw new Error(`no subscription to ${topic}`);
      for (let delivery = 0; delivery < deliveries; delivery += 1) {
        expect((await subscription.handle(event)) ?? 'success').toBe('success');
      }
    },
    dataSource,
  };
}

/**
 * The learning state and the projection in a real database, through the kit's intake (every event delivered
 * twice): what the model answers, that it survives a restart, and that replicas sharing the database agree.
 */
export function storeContract(
  database: string,
  db: () => Promise<StoreDatabase>,
  options: { concurrentWriters: boolean },
): void {
  describe(`the recommendations' store on ${database}`, () => {
    let store: StoreDatabase;
    const clock = { nowMs: Date.parse('2026-03-01T00:00:00Z') };
    const catalog = new Map<string, CatalogProduct>();
    // A category of each test's own: another test's products are no bestsellers of it.
    let categoryId = randomUUID();
    beforeEach(() => {
      categoryId = randomUUID();
    });
    const opened: DataSource[] = [];
    const open = async () => {
      const dataSource = await store.open();
      opened.push(dataSource);
      return dataSource;
    };

    beforeAll(async () => {
      store = await db();
    }, 120_000);
    afterAll(async () => {
      for (const dataSource of opened) if (dataSource.isInitialized) await dataSource.destroy();
      await store?.close();
    });

    const created = (productId: string, name: string, initialStock = 10) => ({
      productId,
      sku: `SKU-${productId.slice(0, 8)}`,
      name,
      price: { amount: 700, currency: 'EUR' },
      categoryId,
      status: 'active',
      initialStock,
      createdAt: new Date(clock.nowMs).toISOString(),
    });
    const paid = (customerId: string, productIds: string[], at = new Date(clock.nowMs)) => ({
      orderId: randomUUID(),
      customerId,
      status: 'Paid',
      at: at.toISOString(),
      items: productIds.map((productId) => ({ productId, quantity: 1 })),
    });
    const listed = async (r: ReturnType<typeof replica>, productId: string) => {
      const answer = await recommendForProduct(ctx, { productId, limit: 10 }, r.reads);
      if (!answer.ok) throw new Error(`${productId} is unknown`);
      return answer.items.map((item) => item.productId);
    };

    it('learns bundles once per event, keeps them across a restart, and never shows archived or sold-out products', async () => {
      const first = replica(await open(), clock, catalog);
      const [tent, pegs, lamp, chair, stove] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      for (const [id, name] of [
        [tent, 'Tent'],
        [pegs, 'Pegs'],
        [lamp, 'Lamp'],
        [chair, 'Chair'],
      ] as const) {
        await first.deliver(topics.productCreated, created(id, name));
      }
      await first.deliver(topics.productCreated, created(stove, 'Stove', 1));
      for (let i = 0; i < 3; i++) await first.deliver(topics.orderPaid, paid(randomUUID(), [tent, pegs]));
      for (let i = 0; i < 4; i++) await first.deliver(topics.orderPaid, paid(randomUUID(), [lamp]));
      await first.deliver(topics.orderPaid, paid(randomUUID(), [tent, chair, stove]));
      // The chair and the stove are bought with the tent alike (their order between them is the ids').
      const learnt = await listed(first, tent);
      expect([learnt[0], new Set(learnt.slice(1, 3)), learnt[3], learnt.length]).toEqual([
        pegs,
        new Set([chair, stove]),
        lamp,
        4,
      ]);
      // Each event counted once although delivered twice: the tent and the pegs are in 3 of the tent's 4 orders.
      const score = (await recommendForProduct(ctx, { productId: tent, limit: 1 }, first.reads)) as {
        items: Array<{ score: number }>;
      };
      expect(score.items[0]?.score).toBeCloseTo(3 / Math.sqrt(4 * 3), 6);

      await first.deliver(topics.productDeleted, {
        productId: chair,
        deletedAt: new Date(clock.nowMs + 1).toISOString(),
      });
      await first.deliver(topics.stockChanged, {
        productId: stove,
        onHand: 1,
        reserved: 1,
        available: 0,
        version: 3,
        at: new Date(clock.nowMs).toISOString(),
      });
      expect(await listed(first, tent)).toEqual([pegs, lamp]);

      await first.dataSource.destroy();
      const restarted = replica(await open(), clock, catalog);
      expect(await listed(restarted, tent)).toEqual([pegs, lamp]);
      const customer = randomUUID();
      await restarted.deliver(topics.orderPaid, paid(customer, [pegs]));
      const forCustomer = await recommendForCustomer(ctx, { customerId: customer, limit: 5 }, restarted.reads);
      expect(forCustomer.map((item) => item.productId)).toEqual([tent, lamp]);
    });

    it('keeps an archive that arrives at the same moment as a stock change of the product (two topics at once)', async () => {
      const one = replica(await open(), clock, catalog);
      const products = Array.from({ length: 12 }, () => randomUUID());
      for (const id of products) await one.deliver(topics.productCreated, created(id, `Racing ${id.slice(0, 4)}`));
      // Archiving a product gives its stock back at once: catalog's and inventory's events race in the service.
      await Promise.all(
        products.flatMap((productId) => [
          one.deliver(topics.productDeleted, { productId, deletedAt: new Date(clock.nowMs).toISOString() }, 1),
          one.deliver(
            topics.stockChanged,
            { productId, onHand: 0, reserved: 0, available: 0, version: 2, at: new Date(clock.nowMs).toISOString() },
            1,
          ),
        ]),
      );
      const records = await productRecords(one.dataSource.manager, products);
      expect(products.filter((id) => !records.get(id)?.archived)).toEqual([]);
      expect(products.filter((id) => records.get(id)?.stock?.version !== 2)).toEqual([]);
    });

    it("keeps the catalog's latest of two updates within one millisecond by their versions, in any order", async () => {
      const one = replica(await open(), clock, catalog);
      const productId = randomUUID();
      const at = new Date(clock.nowMs).toISOString();
      await one.deliver(topics.productCreated, { ...created(productId, 'Plain jug'), version: 1 });
      const { initialStock: _stock, createdAt: _at, ...fields } = created(productId, 'Plain jug');
      const updated = (name: string, version: number) => ({ ...fields, name, updatedAt: at, version });
      // The later change arrives second, then the earlier one once more (a redelivery after it).
      await one.deliver(topics.productUpdated, updated('Red jug', 2));
      await one.deliver(topics.productUpdated, updated('Blue jug', 3));
      await one.deliver(topics.productUpdated, updated('Red jug', 2));
      const facts = (await productRecords(one.dataSource.manager, [productId])).get(productId)?.facts;
      expect(facts).toMatchObject({ name: 'Blue jug', version: 3 });
      // An event from before versions at the same instant cannot say it is later: the facts stay.
      const { version: _v, ...unversioned } = updated('Green jug', 4);
      await one.deliver(topics.productUpdated, unversioned);
      expect((await productRecords(one.dataSource.manager, [productId])).get(productId)?.facts?.name).toBe('Blue jug');
    });

    it('moves the stock of a product that stays on sale in one statement, keeping the newest; a sell-out goes by the rules', async () => {
      const one = replica(await open(), clock, catalog);
      const productId = randomUUID();
      await one.deliver(topics.productCreated, created(productId, 'Steady kettle', 10));
      const stock = (available: number, version: number) => ({
        productId,
        onHand: available,
        reserved: 0,
        available,
        version,
        at: new Date(clock.nowMs).toISOString(),
      });
      const stored = async () => (await productRecords(one.dataSource.manager, [productId])).get(productId)?.stock;
      // SQLite's one connection runs every statement: they can be watched there.
      const sqlite = one.dataSource.options.type === 'better-sqlite3';
      const statements = sqlite ? recordStatements(one.dataSource) : [];
      await one.deliver(topics.stockChanged, stock(7, 3), 1);
      if (sqlite) {
        expect(statements.filter((sql) => /rec_products/.test(sql))).toEqual([
          expect.stringMatching(/^UPDATE "rec_products" SET "available" = \?, "stock_version" = \?/),
        ]);
      }
      await one.deliver(topics.stockChanged, stock(9, 2), 1); // older: ignored
      expect(await stored()).toEqual({ available: 7, version: 3 });
      await one.deliver(topics.stockChanged, stock(0, 4), 1);
      expect(await stored()).toEqual({ available: 0, version: 4 });
      await one.deliver(topics.stockChanged, stock(5, 6), 1);
      await one.deliver(topics.stockChanged, stock(0, 5), 1); // older, on the other side of zero: ignored too
      expect(await stored()).toEqual({ available: 5, version: 6 });
    });

    it('fills a product it has no event of from the catalog, once, and answers unknown ones as unknown', async () => {
      const r = replica(await open(), clock, catalog);
      const early = randomUUID();
      catalog.set(early, {
        productId: early,
        sku: 'EARLY',
        name: 'Made before the service ran',
        price: { amount: 300, currency: 'EUR' },
        categoryId,
        status: 'active',
        updatedAt: new Date(clock.nowMs - dayMs).toISOString(),
      });
      expect((await recommendForProduct(ctx, { productId: early, limit: 3 }, r.reads)).ok).toBe(true);
      const kept = await productRecords(r.dataSource.manager, [early]);
      expect(kept.get(early)).toEqual(
        expect.objectContaining({ archived: false, stock: { available: 3, version: 1 } }),
      );
      expect(await recommendForProduct(ctx, { productId: randomUUID(), limit: 3 }, r.reads)).toEqual({
        ok: false,
        reason: 'unknown-product',
      });
    });

    it('agrees across replicas: each event reaches one, learning is serialised, and the others see it within the TTL', async () => {
      const [a, b] = [replica(await open(), clock, catalog), replica(await open(), clock, catalog)];
      const [kettle, mug, spoon] = [randomUUID(), randomUUID(), randomUUID()];
      await a.deliver(topics.productCreated, created(kettle, 'Kettle'));
      await b.deliver(topics.productCreated, created(mug, 'Mug'));
      await a.deliver(topics.productCreated, created(spoon, 'Spoon'));
      await a.deliver(topics.orderPaid, paid(randomUUID(), [kettle, spoon]));
      expect(await listed(b, kettle)).toEqual([spoon]);
      // Twelve orders of the kettle with the mug, each delivered to one replica: at once where the database takes
      // concurrent writers (SQLite has one writer, the embedded topology one replica: one after the other there).
      const deliveries = Array.from(
        { length: 12 },
        (_, i) => () => (i % 2 === 0 ? a : b).deliver(topics.orderPaid, paid(randomUUID(), [kettle, mug]), 1),
      );
      if (options.concurrentWriters) await Promise.all(deliveries.map((deliver) => deliver()));
      else for (const deliver of deliveries) await deliver();
      const model = modelReads(a.dataSource);
      const weights = await model.productWeights([kettle, mug]);
      const together = (await model.candidatesOf(kettle)).get(mug);
      // No increment lost to a race: the mug is in 12 of the kettle's 13 orders, each of the same weight.
      expect(together).toBeCloseTo(((weights.get(kettle) ?? 0) * 12) / 13, 9);
      expect(weights.get(mug)).toBeCloseTo(together ?? 0, 9);
      // Each replica dropped the lists its own deliveries changed.
      expect(await listed(a, kettle)).toEqual([mug, spoon]);
      expect(await listed(b, kettle)).toEqual([mug, spoon]);
      // The mug archived through a: a drops it at once, b answers from memory until its entry is older than the TTL.
      await a.deliver(topics.productDeleted, { productId: mug, deletedAt: new Date(clock.nowMs + 1).toISOString() });
      expect(await listed(a, kettle)).toEqual([spoon]);
      expect(await listed(b, kettle)).toEqual([mug, spoon]);
      clock.nowMs += cacheTtlMs;
      expect(await listed(b, kettle)).toEqual([spoon]);
    });

    it('rebases the growing weights in the database, keeping the ranking', async () => {
      const r = replica(await open(), clock, catalog);
      const [x, y, z] = [randomUUID(), randomUUID(), randomUUID()];
      for (const id of [x, y, z]) await r.deliver(topics.productCreated, created(id, `Item ${id.slice(0, 4)}`));
      for (let i = 0; i < 3; i++) await r.deliver(topics.orderPaid, paid(randomUUID(), [x, y]));
      await r.deliver(topics.orderPaid, paid(randomUUID(), [x, z]));
      const later = new Date(clock.nowMs + (maxGrowthExponent + 5) * halfLifeMs);
      await r.deliver(topics.orderPaid, paid(randomUUID(), [x, z], later));
      const weights = await modelReads(r.dataSource).productWeights([x, y, z]);
      // After the rebase the new order weighs 1 and the old ones next to nothing: z, bought since, leads.
      expect(weights.get(x)).toBeLessThan(1.01);
      expect(weights.get(x)).toBeGreaterThanOrEqual(1);
      clock.nowMs += cacheTtlMs;
      expect((await listed(r, x))[0]).toBe(z);
    });
  });
}
