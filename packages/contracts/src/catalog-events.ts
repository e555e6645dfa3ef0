import type { Money } from './money';

export type ProductStatus = 'active' | 'archived';

/** catalog.product-created: inventory opens a stock item with `initialStock` on hand. */
export interface ProductCreated {
  productId: string;
  sku: string;
  name: string;
  price: Money;
  categoryId: string;
  status: ProductStatus;
  initialStock: number;
  createdAt: string;
}

/** catalog.product-updated: the product as it is after the change. */
export interface ProductUpdated {
  productId: string;
  sku: string;
  name: string;
  price: Money;
  categoryId: string;
  status: ProductStatus;
  updatedAt: string;
}

/** catalog.product-deleted: the product was archived (DELETE archives; orders keep their references). */
export interface ProductDeleted {
  productId: string;
  deletedAt: string;
}
