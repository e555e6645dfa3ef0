import type { Money, ProductStatus } from '@shop/contracts';

/** What an admin sets on a product (POST and PUT bodies, initialStock aside). */
export interface ProductDraft {
  sku: string;
  name: string;
  description: string;
  price: Money;
  categoryId: string;
}

export interface Product extends ProductDraft {
  id: string;
  /** `archived` products are gone for clients (404) but kept for orders that reference them. */
  status: ProductStatus;
  /** Available quantity as last reported by inventory; `initialStock` until its first report. */
  stock: number;
  /** The inventory version `stock` comes from; 0 until the first inventory.stock-changed. */
  stockVersion: number;
  /** Increases with every change an admin makes (create, update, archive). */
  rowVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

/** The product as clients see it (CONTRACT.md, Catalog), plus `status`. */
export interface ProductView {
  id: string;
  sku: string;
  name: string;
  description: string;
  price: Money;
  categoryId: string;
  stock: number;
  status: ProductStatus;
  createdAt: string;
  updatedAt: string;
}

export function productView(product: Product): ProductView {
  return {
    id: product.id,
    sku: product.sku,
    name: product.name,
    description: product.description,
    price: { amount: product.price.amount, currency: product.price.currency },
    categoryId: product.categoryId,
    stock: product.stock,
    status: product.status,
    createdAt: product.createdAt.toISOString(),
    updatedAt: product.updatedAt.toISOString(),
  };
}

/** The two counters that together change whenever the product's representation does. */
export interface ProductVersion {
  rowVersion: number;
  stockVersion: number;
}

/**
 * A strong ETag (RFC 9110 §8.8.3): the representation is a function of the admin-edited fields (rowVersion)
 * and the projected stock (stockVersion), so the pair names it exactly and a stock change changes the tag.
 */
export function productEtag(version: ProductVersion): string {
  return `"${version.rowVersion}-${version.stockVersion}"`;
}

/** The versions a strong ETag of ours names; undefined for a weak tag or one we never issued. */
export function parseProductEtag(etag: string): ProductVersion | undefined {
  const match = /^"(\d{1,10})-(\d{1,10})"$/.exec(etag);
  if (!match) return undefined;
  return { rowVersion: Number(match[1]), stockVersion: Number(match[2]) };
}

// Derived columns, computed here so that every database compares the same lowercase text: LOWER() in SQLite
// folds ASCII only, PostgreSQL's LIKE is case-sensitive and SQL Server's depends on the collation.

/** Unique per product, so that `ABC-1` and `abc-1` collide on every database, as they do on SQL Server. */
export function skuKeyOf(sku: string): string {
  return sku.toLowerCase();
}

/** The sort key of `sort=name`: case-insensitive on every database. */
export function nameKeyOf(name: string): string {
  return name.toLowerCase();
}

/** What `q` is matched against; a line break keeps a query from matching across two fields. */
export function searchTextOf(draft: Pick<ProductDraft, 'sku' | 'name' | 'description'>): string {
  return `${draft.name}\n${draft.description}\n${draft.sku}`.toLowerCase();
}
