import type { Money } from '@shop/contracts';
import type { Mesh } from '@shop/kit';
import { DependencyUnavailableError, type PriceList, type ProductPrice } from '../application/ports';

interface LookupAnswer {
  items: Array<{ id: string; price: Money; status: string }>;
}

/** Prices from the catalog service by service invocation (`POST /internal/products/lookup`). */
export function catalogPriceList(mesh: Mesh): PriceList {
  return {
    async pricesOf(productIds) {
      let answer: Awaited<ReturnType<Mesh['invoke']>>;
      try {
        answer = await mesh.invoke('catalog', '/internal/products/lookup', {
          method: 'POST',
          body: { ids: productIds },
        });
      } catch (error) {
        throw new DependencyUnavailableError('catalog', (error as Error).message);
      }
      if (answer.status !== 200) throw new DependencyUnavailableError('catalog', `lookup answered ${answer.status}`);
      const prices = new Map<string, ProductPrice>();
      for (const item of (answer.body as LookupAnswer).items) {
        prices.set(item.id, { productId: item.id, price: item.price, purchasable: item.status === 'active' });
      }
      return prices;
    },
  };
}
