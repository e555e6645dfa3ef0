import type { Money } from '@shop/contracts';

/** Current catalog and inventory facts for a product (the projection of their events; cart-projection fills it). */
export interface ProductFacts {
  productId: string;
  sku: string;
  name: string;
  price: Money;
  status: 'active' | 'archived';
  available: number;
}
