import type { Mesh } from '@shop/kit';
import Joi from 'joi';
import { DependencyUnavailableError } from '../application/ports';
import type { ProjectedProduct } from '../domain/product-projection';

/** The catalog's facts of products, asked by service invocation. */
export interface CatalogProducts {
  /** The products the catalog knows among `productIds` (archived ones included); unknown ids are left out. */
  lookUp(productIds: string[]): Promise<ProjectedProduct[]>;
}

/** What the catalog's lookup takes at most per call (its `ids` schema). */
export const catalogLookupBatch = 100;

interface LookupItem extends Omit<ProjectedProduct, 'productId'> {
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
        status: Joi.string().valid('active', 'archived').required(),
        updatedAt: Joi.string().isoDate().required(),
      }),
    )
    .required(),
});

/** `POST /internal/products/lookup` on app `catalog`, in batches of what it accepts. */
export function catalogProducts(mesh: Mesh): CatalogProducts {
  const lookUpBatch = async (ids: string[]): Promise<ProjectedProduct[]> => {
    let answer: Awaited<ReturnType<Mesh['invoke']>>;
    try {
      answer = await mesh.invoke('catalog', '/internal/products/lookup', { method: 'POST', body: { ids } });
    } catch (error) {
      throw new DependencyUnavailableError('catalog', (error as Error).message);
    }
    if (answer.status !== 200) throw new DependencyUnavailableError('catalog', `lookup answered ${answer.status}`);
    const { value, error } = lookupAnswer.validate(answer.body, { allowUnknown: true, stripUnknown: true });
    if (error) throw new DependencyUnavailableError('catalog', `lookup answered ${error.message}`);
    return value.items.map(({ id, sku, name, price, status, updatedAt }) => ({
      productId: id,
      sku,
      name,
      price,
      status,
      updatedAt,
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
