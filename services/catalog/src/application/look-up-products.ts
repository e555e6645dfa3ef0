import type { Money, ProductStatus } from '@shop/contracts';
import type { HandlerContext } from '@shop/kit';
import type { CatalogDeps } from './ports';

export interface ProductFacts {
  id: string;
  sku: string;
  name: string;
  price: Money;
  categoryId: string;
  status: ProductStatus;
  /** When these facts last changed (the archive's instant for an archived product), ISO 8601. */
  updatedAt: string;
  /** The product's version, as the catalog's events carry it. */
  version: number;
}

/**
 * The authoritative facts orders price an order with, read from the database (never the cache) and for
 * archived products too: their status says they cannot be bought. Unknown ids are left out. `updatedAt` is the
 * instant and `version` the version the catalog's events carry, so a consumer that also projects them (the cart)
 * keeps the newer of the two.
 */
export async function lookUpProducts(
  _ctx: HandlerContext,
  { ids }: { ids: string[] },
  deps: CatalogDeps,
): Promise<ProductFacts[]> {
  const products = await deps.read((unit) => unit.products.findMany(ids));
  const byId = new Map(products.map((product) => [product.id, product]));
  return ids.flatMap((id) => {
    const product = byId.get(id);
    if (!product) return [];
    const { sku, name, price, categoryId, status, updatedAt, rowVersion } = product;
    return [{ id, sku, name, price, categoryId, status, updatedAt: updatedAt.toISOString(), version: rowVersion }];
  });
}
