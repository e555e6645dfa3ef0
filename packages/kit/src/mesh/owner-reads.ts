import { type Money, type ProductStatus, StockChanged } from '@shop/contracts';
import Joi from 'joi';
import type { Mesh } from './port';

/**
 * The owners' reads a projection of products fills itself from (the cart's, recommendations'): the catalog's
 * facts of products and inventory's levels of one, by service invocation. Each read either answers what the
 * owner said, checked against its schema, or throws DependencyUnavailableError.
 */

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

/** What the catalog says of a product (`POST /internal/products/lookup`). */
export interface CatalogProduct {
  productId: string;
  sku: string;
  name: string;
  price: Money;
  categoryId: string;
  status: ProductStatus;
  /** The catalog's instant of these facts: its createdAt, updatedAt, or the archive's deletedAt. */
  updatedAt: string;
  /** The product's version, as the catalog's events carry it (absent from a catalog older than versions). */
  version?: number;
}

/** Inventory's levels of a product with the per-product version its `inventory.stock-changed` events carry. */
export interface StockLevels {
  productId: string;
  available: number;
  version: number;
}

export interface CatalogProducts {
  /** The products the catalog knows among `productIds` (archived ones included); unknown ids are left out. */
  lookUp(productIds: string[]): Promise<CatalogProduct[]>;
}

export interface InventoryStock {
  /** The levels with their version; undefined while inventory has no stock item for the product. */
  levelsOf(productId: string): Promise<StockLevels | undefined>;
}

/** What the catalog's lookup takes at most per call (its `ids` schema). */
export const catalogLookupBatch = 100;

interface LookupItem extends Omit<CatalogProduct, 'productId'> {
  id: string;
}

const lookupAnswer = Joi.object<{ items: LookupItem[] }>({
  items: Joi.array()
    .items(
      Joi.object({
        id: Joi.string().guid().required(),
        sku: Joi.string().required(),
        name: Joi.string().required(),
        price: Joi.object({
          amount: Joi.number().integer().min(0).required(),
          currency: Joi.string().length(3).required(),
        }).required(),
        categoryId: Joi.string().guid().required(),
        status: Joi.string().valid('active', 'archived').required(),
        updatedAt: Joi.string().isoDate().required(),
        version: Joi.number().integer().min(1),
      }),
    )
    .required(),
});

/** `POST /internal/products/lookup` on app `catalog`, in batches of what it accepts. */
export function catalogProducts(mesh: Mesh): CatalogProducts {
  const lookUpBatch = async (ids: string[]): Promise<CatalogProduct[]> => {
    let answer: Awaited<ReturnType<Mesh['invoke']>>;
    try {
      answer = await mesh.invoke('catalog', '/internal/products/lookup', { method: 'POST', body: { ids } });
    } catch (error) {
      throw new DependencyUnavailableError('catalog', (error as Error).message);
    }
    if (answer.status !== 200) throw new DependencyUnavailableError('catalog', `lookup answered ${answer.status}`);
    const { value, error } = lookupAnswer.validate(answer.body, { allowUnknown: true, stripUnknown: true });
    if (error) throw new DependencyUnavailableError('catalog', `lookup answered ${error.message}`);
    return value.items.map(({ id, sku, name, price, categoryId, status, updatedAt, version }) => ({
      productId: id,
      sku,
      name,
      price,
      categoryId,
      status,
      updatedAt,
      ...(version === undefined ? {} : { version }),
    }));
  };
  return {
    async lookUp(productIds) {
      const batches: string[][] = [];
      for (let start = 0; start < productIds.length; start += catalogLookupBatch) {
        batches.push(productIds.slice(start, start + catalogLookupBatch));
      }
      return (await Promise.all(batches.map(lookUpBatch))).flat();
    },
  };
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
