import { isNewerProductChange, type Money } from '@shop/contracts';

/** What the catalog said of a product (product-created, product-updated, its lookup), with the catalog's instant. */
export interface CatalogFacts {
  name: string;
  price: Money;
  categoryId: string;
  status: 'active' | 'archived';
  atMs: number;
  /** The catalog's version of these facts; absent when they came from an event older than versions. */
  version?: number;
}

/** Inventory's available units with its per-product version (created products start at version 0). */
export interface StockFacts {
  available: number;
  version: number;
}

/** A product as recommendations have heard of it so far. */
export interface ProductRecord {
  productId: string;
  facts?: CatalogFacts;
  /** Archived (product-deleted, or facts saying so): final in the catalog, whatever arrives later. */
  archived: boolean;
  stock?: StockFacts;
}

/**
 * Events of a product reach the service in any order (replicas, retries), so each rule keeps the newest, and
 * each answers undefined when the record stays as it is (older news, or the same delivered again).
 * Facts: the later change wins, by the catalog's version (its instant for events older than versions); facts saying
 * archived archive the product.
 */
export function withFacts(
  stored: ProductRecord | undefined,
  productId: string,
  facts: CatalogFacts,
): ProductRecord | undefined {
  if (stored?.facts && !isNewerProductChange(facts, stored.facts)) return undefined;
  const archived = (stored?.archived ?? false) || facts.status === 'archived';
  return { productId, facts, archived, ...stockOf(stored) };
}

/** product-deleted: archived from now on (an archive the service had no facts of is kept too). */
export function withArchive(stored: ProductRecord | undefined, productId: string): ProductRecord | undefined {
  if (stored?.archived) return undefined;
  return { productId, ...(stored?.facts ? { facts: stored.facts } : {}), ...stockOf(stored), archived: true };
}

/** inventory.stock-changed (or a stock read): the higher version wins. */
export function withStock(
  stored: ProductRecord | undefined,
  productId: string,
  stock: StockFacts,
): ProductRecord | undefined {
  if (stored?.stock && stored.stock.version >= stock.version) return undefined;
  return { productId, archived: stored?.archived ?? false, ...(stored?.facts ? { facts: stored.facts } : {}), stock };
}

const stockOf = (stored: ProductRecord | undefined) => (stored?.stock ? { stock: stored.stock } : {});
