import { dialectOf, isUniqueViolation, type Logger, type Tx, transaction } from '@shop/kit';
import { type DataSource, type EntityManager, In } from 'typeorm';
import type { LearningStore, ModelReads } from '../application/ports';
import type { ProductChange, ProjectionStore } from '../application/project-products';
import { applyProductChange } from '../application/project-products';
import type { ProductRecord } from '../domain/projected-product';
import {
  CandidateEntity,
  ModelEntity,
  ProductEntity,
  type ProductRow,
  ProductWeightEntity,
  PurchaseEntity,
} from './entities';

const modelRowId = 1;
const weighted = [ProductWeightEntity, CandidateEntity, PurchaseEntity] as const;

/** The learning state in the service's database, written in the transaction of the paid order's inbox record. */
export function learningStoreOf(tx: Tx): LearningStore {
  const manager = tx.manager;
  return {
    async lockModel() {
      // The first learner creates the row (a second one racing it fails on the key and its event is redelivered).
      if (!(await manager.existsBy(ModelEntity, { id: modelRowId }))) {
        await manager.insert(ModelEntity, { id: modelRowId, baseAtMs: null, version: 0 });
      }
      // An UPDATE takes the row's write lock on every dialect (SQLite serialises writers anyway): learners of
      // all replicas take turns from here to their commit.
      await manager
        .createQueryBuilder()
        .update(ModelEntity)
        .set({ version: () => 'version + 1' })
        .where('id = :id', { id: modelRowId })
        .execute();
      const model = await manager.findOneByOrFail(ModelEntity, { id: modelRowId });
      return model.baseAtMs ?? undefined;
    },
    async rebase(divideBy, baseAtMs, forgetBelow) {
      for (const entity of weighted) {
        await manager
          .createQueryBuilder()
          .update(entity)
          .set({ weight: () => 'weight / :divideBy' })
          .setParameter('divideBy', divideBy)
          .execute();
        await manager
          .createQueryBuilder()
          .delete()
          .from(entity)
          .where('weight < :forgetBelow', { forgetBelow })
          .execute();
      }
      await manager.update(ModelEntity, { id: modelRowId }, { baseAtMs });
    },
    async addProductWeights(productIds, weight) {
      const rows = await manager.findBy(ProductWeightEntity, { productId: In([...productIds]) });
      const stored = new Map(rows.map((row) => [row.productId, Number(row.weight)]));
      if (stored.size > 0) await manager.delete(ProductWeightEntity, { productId: In([...stored.keys()]) });
      await manager.insert(
        ProductWeightEntity,
        productIds.map((productId) => ({ productId, weight: (stored.get(productId) ?? 0) + weight })),
      );
    },
    async candidatesOf(productIds) {
      const rows = await manager.findBy(CandidateEntity, { productId: In([...productIds]) });
      const lists = new Map<string, Map<string, number>>();
      for (const row of rows) {
        const list = lists.get(row.productId) ?? new Map<string, number>();
        list.set(row.neighbourId, Number(row.weight));
        lists.set(row.productId, list);
      }
      return lists;
    },
    async saveCandidates(productId, changed, evicted) {
      const gone = [...evicted, ...changed.keys()];
      if (gone.length > 0) await manager.delete(CandidateEntity, { productId, neighbourId: In(gone) });
      if (changed.size > 0) {
        await manager.insert(
          CandidateEntity,
          [...changed].map(([neighbourId, weight]) => ({ productId, neighbourId, weight })),
        );
      }
    },
    purchasesOf: (customerId) => purchasesIn(manager, customerId),
    async savePurchases(customerId, changed, evicted) {
      const gone = [...evicted, ...changed.keys()];
      if (gone.length > 0) await manager.delete(PurchaseEntity, { customerId, productId: In(gone) });
      if (changed.size > 0) {
        await manager.insert(
          PurchaseEntity,
          [...changed].map(([productId, weight]) => ({ customerId, productId, weight })),
        );
      }
    },
  };
}

async function purchasesIn(manager: EntityManager, customerId: string): Promise<Map<string, number>> {
  const rows = await manager.findBy(PurchaseEntity, { customerId });
  return new Map(rows.map((row) => [row.productId, Number(row.weight)]));
}

/** The model's reads, each one indexed query outside any transaction. */
export function modelReads(dataSource: DataSource): ModelReads {
  const manager = dataSource.manager;
  return {
    async productWeights(productIds) {
      if (productIds.length === 0) return new Map();
      const rows = await manager.findBy(ProductWeightEntity, { productId: In([...productIds]) });
      return new Map(rows.map((row) => [row.productId, Number(row.weight)]));
    },
    async candidatesOf(productId) {
      const rows = await manager.findBy(CandidateEntity, { productId });
      return new Map(rows.map((row) => [row.neighbourId, Number(row.weight)]));
    },
    purchasesOf: (customerId) => purchasesIn(manager, customerId),
    async bestsellersOf(categoryId, limit) {
      const rows = await manager
        .createQueryBuilder(ProductEntity, 'product')
        .innerJoin('rec_product_weights', 'sold', 'sold.product_id = product.product_id')
        .select('product.product_id', 'productId')
        .where('product.category_id = :categoryId', { categoryId })
        .andWhere('product.archived = :archived', { archived: false })
        .andWhere('product.available > 0')
        .orderBy('sold.weight', 'DESC')
        .addOrderBy('product.product_id', 'ASC')
        .limit(limit)
        .getRawMany<{ productId: string }>();
      return rows.map((row) => row.productId);
    },
  };
}

/** The product projection's rows in a transaction. */
export function projectionStoreOf(tx: Tx): ProjectionStore {
  return {
    // Locked until the transaction ends: a product's events arrive on several topics at once (its archive and the
    // stock inventory gives back with it), and each change is a read then a write, so without the lock the later
    // write would put back what the earlier one changed. A row not there yet is inserted by one of them; the
    // other's insert fails on the key and its event is delivered again, to find the row.
    records: (productIds) => productRecords(tx.manager, productIds, { forUpdate: true }),
    async save(record, existed) {
      const row = rowOf(record);
      if (existed) await tx.manager.update(ProductEntity, { productId: record.productId }, row);
      else await tx.manager.insert(ProductEntity, row);
    },
    async moveStock(productId, { available, version }) {
      // The UPDATE takes the row's lock and sees it as committed, as the read above would; it writes only the stock.
      const { affected } = await tx.manager
        .createQueryBuilder()
        .update(ProductEntity)
        .set({ available, stockVersion: version })
        .where(
          `product_id = :productId AND stock_version IS NOT NULL AND stock_version < :version AND available ${
            available > 0 ? '> 0' : '<= 0'
          }`,
          { productId, version },
        )
        .execute();
      return affected === 1;
    },
  };
}

export async function productRecords(
  manager: EntityManager,
  productIds: readonly string[],
  options: { forUpdate?: boolean } = {},
): Promise<Map<string, ProductRecord>> {
  if (productIds.length === 0) return new Map();
  // SQLite runs one writing transaction at a time: nothing to lock there.
  const lock = options.forUpdate && dialectOf(manager.connection) !== 'sqlite';
  const rows = await manager.find(ProductEntity, {
    where: { productId: In([...productIds]) },
    ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
  });
  return new Map(rows.map((row) => [row.productId, recordOf(row)]));
}

/**
 * Writes what was filled from the owners, each change under the projection's rules in one transaction; a
 * product an event inserted meanwhile (a unique violation) is decided again against it.
 */
export function projectionWriter(dataSource: DataSource, log: Logger): (changes: ProductChange[]) => Promise<void> {
  const write = (changes: ProductChange[]) =>
    transaction(dataSource, async (tx) => {
      const store = projectionStoreOf(tx);
      for (const change of changes) await applyProductChange({ log }, change, { store });
    });
  return async (changes) => {
    try {
      await write(changes);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      await write(changes);
    }
  };
}

function recordOf(row: ProductRow): ProductRecord {
  const hasFacts =
    row.name !== null && row.priceAmount !== null && row.priceCurrency !== null && row.categoryId !== null;
  return {
    productId: row.productId,
    archived: Boolean(row.archived),
    ...(hasFacts && row.factsAt
      ? {
          facts: {
            name: row.name as string,
            price: { amount: Number(row.priceAmount), currency: row.priceCurrency as string },
            categoryId: row.categoryId as string,
            status: row.archived ? ('archived' as const) : ('active' as const),
            atMs: new Date(row.factsAt).getTime(),
            ...(row.factsVersion === null ? {} : { version: Number(row.factsVersion) }),
          },
        }
      : {}),
    ...(row.available !== null && row.stockVersion !== null
      ? { stock: { available: Number(row.available), version: Number(row.stockVersion) } }
      : {}),
  };
}

function rowOf(record: ProductRecord): ProductRow {
  return {
    productId: record.productId,
    name: record.facts?.name ?? null,
    priceAmount: record.facts?.price.amount ?? null,
    priceCurrency: record.facts?.price.currency ?? null,
    categoryId: record.facts?.categoryId ?? null,
    factsAt: record.facts ? new Date(record.facts.atMs) : null,
    factsVersion: record.facts?.version ?? null,
    archived: record.archived,
    available: record.stock?.available ?? null,
    stockVersion: record.stock?.version ?? null,
  };
}
