import type { Money } from '@shop/contracts';
import type { ProductChange, ProjectedStock } from '../domain/product-projection';

/** Current catalog and inventory facts for products (cart-projection owns the implementation). */
export interface ProductFacts {
  productId: string;
  sku: string;
  name: string;
  price: Money;
  status: 'active' | 'archived';
  available: number;
}

export interface ProductViews {
  /** Facts per id; ids the catalog does not know are absent from the map. One round trip once projected. */
  describe(productIds: string[]): Promise<Map<string, ProductFacts>>;
}

/**
 * The write side of the same projection: what the catalog's and inventory's events say. Each change is kept only
 * when it is newer than the stored entry (domain/product-projection.ts), so deliveries may come in any order and
 * more than once.
 */
export interface ProductProjection {
  applyProduct(change: ProductChange): Promise<void>;
  applyStock(stock: ProjectedStock): Promise<void>;
}

/** Another service the answer depends on did not answer (or not sensibly): the request may be tried again. */
export class DependencyUnavailableError extends Error {
  constructor(
    readonly dependency: string,
    reason: string,
  ) {
    super(`${dependency} is unavailable: ${reason}`);
    this.name = 'DependencyUnavailableError';
  }
}
