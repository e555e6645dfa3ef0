import type { EventEnvelope } from '@shop/contracts';
import type { KeysetPage, Logger } from '@shop/kit';
import type { Category } from '../domain/category-tree';
import type { Product, ProductDraft, ProductVersion } from '../domain/product';
import type { Position } from '../domain/product-search';

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

export interface Products {
  find(id: string): Promise<Product | undefined>;
  findMany(ids: string[]): Promise<Product[]>;
  insert(product: Product): Promise<ProductWrite>;
  /**
   * Replaces an active product's admin fields and bumps its row version, in one conditional UPDATE that
   * also checks `expected` (any of these versions) when given: 'done', or 'no-match' when no row qualified.
   */
  update(
    id: string,
    draft: ProductDraft,
    options: { updatedAt: Date; expected?: ProductVersion[] },
  ): Promise<ProductWrite | 'no-match'>;
  /** Archives an active product; false when there is none. */
  archive(id: string, at: Date): Promise<boolean>;
  /** Sets stock only when `version` is newer than the one it has; false when it was not. */
  applyStock(id: string, available: number, version: number): Promise<boolean>;
  /** Active products only: a page in keyset order, with the product the next page starts after when there is one. */
  search(query: ProductQuery): Promise<KeysetPage<Product>>;
  /** Every product in the category, archived ones included (they still reference it). */
  countInCategory(categoryId: string): Promise<number>;
}

export interface Categories {
  /** `forUpdate` locks every row until the transaction ends, so tree moves happen one at a time. */
  all(options?: { forUpdate?: boolean }): Promise<Category[]>;
  find(id: string): Promise<Category | undefined>;
  insert(category: Category, at: Date): Promise<'done' | 'unknown-parent'>;
  update(category: Category, at: Date): Promise<void>;
  hasChildren(id: string): Promise<boolean>;
  /** 'in-use' when a child or product arrived since the caller checked (the foreign keys refuse). */
  delete(id: string): Promise<'done' | 'in-use'>;
}

/** What a read works with: the stores' reads, outside any business transaction. */
export interface CatalogReads {
  products: Pick<Products, 'find' | 'findMany' | 'search' | 'countInCategory'>;
  categories: Pick<Categories, 'all' | 'find' | 'hasChildren'>;
}

/** One transaction of the catalog database, as use cases see it: the stores acting in it, and its outbox. */
export interface CatalogTx {
  products: Products;
  categories: Categories;
  /** Publishes the event once the transaction commits (transactional outbox). */
  outbox(topic: string, event: EventEnvelope): Promise<void>;
  /** Rolls the transaction back but still answers `value`: a business failure is a value, not an exception. */
  rollbackWith<V>(value: V): V;
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
  transaction<T>(work: (tx: CatalogTx) => Promise<T>): Promise<T>;
  /** Runs reads outside any business transaction, but never inside another one's. */
  read<T>(work: (unit: CatalogReads) => Promise<T>): Promise<T>;
  cache: ProductCache;
  log: Logger;
}
