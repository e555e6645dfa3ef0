import { StockChanged } from '@shop/contracts';
import type { Mesh } from '@shop/kit';
import { DependencyUnavailableError } from '../application/ports';
import type { ProjectedStock } from '../domain/product-projection';

/** Inventory's levels of a product, asked by service invocation. */
export interface InventoryStock {
  /** The levels with their version; undefined while inventory has no stock item for the product. */
  levelsOf(productId: string): Promise<ProjectedStock | undefined>;
}

/** `GET /internal/stock/:productId` on app `inventory`: the levels with the version its events carry. */
export function inventoryStock(mesh: Mesh): InventoryStock {
  return {
    async levelsOf(productId) {
      let answer: Awaited<ReturnType<Mesh['invoke']>>;
      try {
        answer = await mesh.invoke('inventory', `/internal/stock/${encodeURIComponent(productId)}`, { method: 'GET' });
      } catch (error) {
        throw new DependencyUnavailableError('inventory', (error as Error).message);
      }
      if (answer.status === 404) return undefined;
      if (answer.status !== 200) {
        throw new DependencyUnavailableError('inventory', `stock read answered ${answer.status}`);
      }
      // The read carries what inventory.stock-changed carries, so it is checked by the same schema.
      const { value, error } = StockChanged.schema.validate(answer.body, { allowUnknown: true, stripUnknown: true });
      if (error) throw new DependencyUnavailableError('inventory', `stock read answered ${error.message}`);
      return { productId: value.productId, available: value.available, version: value.version };
    },
  };
}
