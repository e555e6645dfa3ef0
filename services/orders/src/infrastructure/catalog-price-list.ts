import { catalogProducts, type Mesh } from '@shop/kit';
import type { PriceList, ProductPrice } from '../application/ports';

/**
 * Prices from the catalog service by service invocation (`POST /internal/products/lookup`, through the kit's
 * reader, which checks the answer and says DependencyUnavailableError when the catalog cannot answer).
 */
export function catalogPriceList(mesh: Mesh): PriceList {
  const catalog = catalogProducts(mesh);
  return {
    async pricesOf(productIds) {
      const prices = new Map<string, ProductPrice>();
      for (const product of await catalog.lookUp(productIds)) {
        prices.set(product.productId, {
          productId: product.productId,
          price: product.price,
          purchasable: product.status === 'active',
        });
      }
      return prices;
    },
  };
}
