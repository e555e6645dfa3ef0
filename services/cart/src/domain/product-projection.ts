import { isNewerProductChange, type Money, type ProductStatus } from '@shop/contracts';

/** State entry `product:<productId>`: what the catalog last said of a product, as far as the cart has heard. */
export interface ProjectedProduct {
  productId: string;
  sku: string;
  name: string;
  price: Money;
  status: ProductStatus;
  /** The catalog's instant of these facts: its createdAt, updatedAt, or the archive's deletedAt. */
  updatedAt: string;
  /** The catalog's version of these facts; absent when they came from an event older than versions. */
  version?: number;
}

/** State entry `stock:<productId>`: inventory's latest levels of a product as far as the cart has heard. */
export interface ProjectedStock {
  productId: string;
  available: number;
  /** Inventory's per-product version (inventory.stock-changed): it goes up by one with every change. */
  version: number;
}

/**
 * What the projection is told of a product: the facts (product-created, product-updated, the catalog's lookup),
 * or that it was archived (product-deleted, which carries no facts).
 */
export type ProductChange =
  | { kind: 'facts'; product: ProjectedProduct }
  | { kind: 'archived'; productId: string; archivedAt: string; version?: number };

/**
 * The product entry once `change` is applied to `stored`, or undefined when `stored` stays as it is: the change
 * is older than what is stored, or the same change delivered again. Events of a product reach the cart in any
 * order (several replicas, retries), so the newest wins, not the last to arrive:
 * - archiving is final in the catalog (nothing un-archives a product), so an archived entry stays and an
 *   archive wins over any facts of an active product whatever their instants;
 * - otherwise the later facts win: by the catalog's version when both have one, else by its instant
 *   (isNewerProductChange); the same change again leaves the stored one, which makes a redelivery change nothing.
 * An archive of a product not yet projected gives undefined too: there are no facts to mark, and the caller
 * asks the catalog for them.
 */
export function productAfter(
  stored: ProjectedProduct | undefined,
  change: ProductChange,
): ProjectedProduct | undefined {
  if (stored?.status === 'archived') return undefined;
  if (change.kind === 'archived') {
    if (!stored) return undefined;
    const { version: _before, ...facts } = stored;
    const version = change.version === undefined ? {} : { version: change.version };
    return { ...facts, status: 'archived', updatedAt: change.archivedAt, ...version };
  }
  const candidate = change.product;
  if (!stored || candidate.status === 'archived') return candidate;
  return isNewerProductChange(stampOf(candidate), stampOf(stored)) ? candidate : undefined;
}

const stampOf = (product: ProjectedProduct) => ({ version: product.version, atMs: Date.parse(product.updatedAt) });

/** The stock entry once `candidate` is applied, or undefined when the stored one is as new or newer. */
export function stockAfter(stored: ProjectedStock | undefined, candidate: ProjectedStock): ProjectedStock | undefined {
  return !stored || candidate.version > stored.version ? candidate : undefined;
}
