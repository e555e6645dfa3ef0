import type { CatalogProduct, CatalogProducts, HandlerContext, InventoryStock } from '@shop/kit';
import {
  type CatalogFacts,
  type ProductRecord,
  type StockFacts,
  withArchive,
  withFacts,
  withStock,
} from '../domain/projected-product';
import type { ProductView } from './ports';

/** The product projection's rows, read and written in the caller's transaction. */
export interface ProjectionStore {
  records(productIds: readonly string[]): Promise<Map<string, ProductRecord>>;
  /** `existed`: whether a row was read for it (insert otherwise). */
  save(record: ProductRecord, existed: boolean): Promise<void>;
  /**
   * The usual stock change in one statement: sets the stock of a stored product whose stock is older than `stock`
   * and whose available units stay on the same side of zero (so whether it may be recommended stays as it was);
   * answers whether it did. Anything else is left to the read, the rules and save.
   */
  moveStock(productId: string, stock: StockFacts): Promise<boolean>;
}

export type ProductChange =
  | { kind: 'facts'; productId: string; facts: CatalogFacts; initialStock?: number }
  | { kind: 'archived'; productId: string }
  | { kind: 'stock'; productId: string; available: number; version: number };

/**
 * Applies a change to the projection (newest wins, domain/projected-product.ts). Answers whether what a
 * recommendation shows of the product changed (its facts, or whether it may be recommended at all), so that
 * the caches drop what they hold only then: stock changes with every order, recommendability rarely.
 */
export async function applyProductChange(
  _ctx: HandlerContext,
  change: ProductChange,
  { store }: { store: ProjectionStore },
): Promise<boolean> {
  // Stock changes with every order: when it stays on sale (or sold out), nothing a recommendation shows changes.
  if (change.kind === 'stock' && (await store.moveStock(change.productId, change))) return false;
  const stored = (await store.records([change.productId])).get(change.productId);
  const next = recordAfter(stored, change);
  if (!next) return false;
  await store.save(next, stored !== undefined);
  const before = stored && viewOf(stored);
  const after = viewOf(next);
  return (
    before?.name !== after?.name ||
    before?.price.amount !== after?.price.amount ||
    before?.price.currency !== after?.price.currency ||
    before?.categoryId !== after?.categoryId ||
    isRecommendable(stored) !== isRecommendable(next)
  );
}

function recordAfter(stored: ProductRecord | undefined, change: ProductChange): ProductRecord | undefined {
  if (change.kind === 'archived') return withArchive(stored, change.productId);
  if (change.kind === 'stock') {
    return withStock(stored, change.productId, { available: change.available, version: change.version });
  }
  const facts = withFacts(stored, change.productId, change.facts);
  // product-created's initial stock is version 0: any stock event of inventory is newer.
  if (change.initialStock === undefined) return facts;
  const base = facts ?? stored;
  return withStock(base, change.productId, { available: change.initialStock, version: 0 }) ?? facts;
}

/** What a recommendation shows of a product; undefined while its facts are unknown. */
function viewOf(record: ProductRecord): ProductView | undefined {
  if (!record.facts) return undefined;
  const { name, price, categoryId } = record.facts;
  return {
    productId: record.productId,
    name,
    price,
    categoryId,
    status: record.archived ? 'archived' : 'active',
    ...(record.stock ? { available: record.stock.available } : {}),
  };
}

const isRecommendable = (record: ProductRecord | undefined) =>
  record?.facts !== undefined && !record.archived && (record.stock?.available ?? 0) > 0;

function factsOf(product: CatalogProduct): CatalogFacts {
  const { name, price, categoryId, status, updatedAt, version } = product;
  return {
    name,
    price,
    categoryId,
    status,
    atMs: Date.parse(updatedAt),
    ...(version === undefined ? {} : { version }),
  };
}

export interface ProductOwners {
  catalog: CatalogProducts;
  inventory: InventoryStock;
}

/**
 * The views of products, filling from their owners (by service invocation) those the projection has no facts
 * of yet (a product created before this service ran, an event still on its way), and the stock of active ones
 * without it. What is filled is kept under the same newest-wins rules, in `write`'s transaction, so a fill
 * racing an event ends on the newest. Products the catalog does not know are absent from the answer.
 */
export async function describeProducts(
  _ctx: HandlerContext,
  { productIds }: { productIds: readonly string[] },
  deps: {
    read: (ids: readonly string[]) => Promise<Map<string, ProductRecord>>;
    write: (changes: ProductChange[]) => Promise<void>;
    owners: ProductOwners;
  },
): Promise<Map<string, ProductView>> {
  const records = await deps.read(productIds);
  const changes: ProductChange[] = [];
  const unknown = productIds.filter((id) => !records.get(id)?.facts);
  if (unknown.length > 0) {
    for (const product of await deps.owners.catalog.lookUp(unknown)) {
      const change: ProductChange = { kind: 'facts', productId: product.productId, facts: factsOf(product) };
      changes.push(change);
      const filled = recordAfter(records.get(product.productId), change);
      if (filled) records.set(product.productId, filled);
    }
  }
  const stockUnknown = productIds.filter((id) => {
    const record = records.get(id);
    return record?.facts && !record.archived && !record.stock;
  });
  for (const productId of stockUnknown) {
    const levels = await deps.owners.inventory.levelsOf(productId);
    if (!levels) continue;
    const change: ProductChange = { kind: 'stock', productId, available: levels.available, version: levels.version };
    changes.push(change);
    const filled = recordAfter(records.get(productId), change);
    if (filled) records.set(productId, filled);
  }
  if (changes.length > 0) await deps.write(changes);
  const views = new Map<string, ProductView>();
  for (const id of productIds) {
    const record = records.get(id);
    const view = record && viewOf(record);
    if (view) views.set(id, view);
  }
  return views;
}
