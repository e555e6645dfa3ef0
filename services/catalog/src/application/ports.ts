import type { InboxResult, KeysetPage, Logger, Tx } from '@shop/kit';
import type { Category } from '../domain/category-tree';
import type { Product, ProductDraft, ProductVersion } from '../domain/product';
import type { Position } from '../domain/product-search';

/** What a store needs to run queries: a transaction, or a plain read (see CatalogDeps.read). */
export type Unit = Pick<Tx, 'manager'>;

export type ProductWrite = 'done' | 'duplicate-sku' | 'unknown-category';

export interface ProductQuery {
  pattern?: string;
  /** Only products in these categories; never empty (an empty subtree matches nothing and is not queried). */
  categoryIds?: string[];
  minPrice?: number;
  maxPrice?: number;
  order: Position['key'];
  direction: 'ASC' | 'DESC';
  after?: Position;
  limit: number;
}

export interface ProductStore {
  find(unit: Unit, id: string): Promise<Product | undefined>;
  findMany(unit: Unit, ids: string[]): Promise<Product[]>;
  insert(tx: Tx, product: Product): Promise<ProductWrite>;
  /**
   * Replaces an active product's admin fields and bumps its row version, in one conditional UPDATE that
   * also checks `expected` (any of these versions) when given: 'done', or 'no-match' when no row qualified.
   */
  update(
    tx: Tx,
    id: string,
    draft: ProductDraft,
    options: { updatedAt: Date; expected?: ProductVersion[] },
  ): Promise<ProductWrite | 'no-match'>;
  /** Archives an active product; false when there is none. */
  archive(tx: Tx, id: string, at: Date): Promise<boolean>;
  /** Sets stock only when `version` is newer than the one it has; false when it was not. */
  applyStock(tx: Tx, id: string, available: number, version: number): Promise<boolean>;
  /** Active products only, in the query's order. */
  /** A page in keyset order, with the product the next page starts after when there is one. */
  search(unit: Unit, query: ProductQuery): Promise<KeysetPage<Product>>;
  /** Every product in the category, archived ones included (they still reference it). */
  countInCategory(unit: Unit, categoryId: string): Promise<number>;
}

export interface CategoryStore {
  /** `forUpdate` locks every row until the transaction ends, so tree moves happen one at a time. */
  all(unit: Unit, options?: { forUpdate?: boolean }): Promise<Category[]>;
  find(unit: Unit, id: string): Promise<Category | undefined>;
  insert(tx: Tx, category: Category, at: Date): Promise<'done' | 'unknown-parent'>;
  update(tx: Tx, category: Category, at: Date): Promise<void>;
  hasChildren(unit: Unit, id: string): Promise<boolean>;
  /** 'in-use' when a child or product arrived since the caller checked (the foreign keys refuse). */
  delete(tx: Tx, id: string): Promise<'done' | 'in-use'>;
}

/** A product read as it is sent: the ETag and the JSON body, serialized once when the entry is made. */
export interface CachedProduct {
  etag: string;
  json: string;
}

export interface ProductCache {
  /** Undefined on a miss, and when the store cannot answer (reads then go to the database). */
  get(id: string): Promise<CachedProduct | undefined>;
  put(id: string, entry: CachedProduct): Promise<void>;
  /** Call after the change committed; failures are logged, the TTL bounds the staleness. */
  invalidate(id: string): Promise<void>;
  close(): void;
}

export interface CatalogDeps {
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /** Runs reads outside any business transaction, but never inside another one's (see readUnit). */
  read<T>(work: (unit: Unit) => Promise<T>): Promise<T>;
  /** Runs an event's effect at most once per event id for this consumer. */
  handleOnce<T>(consumer: string, eventId: string, effect: (tx: Tx) => Promise<T>): Promise<InboxResult<T>>;
  products: ProductStore;
  categories: CategoryStore;
  cache: ProductCache;
  log: Logger;
}
