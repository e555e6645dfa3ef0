import type { Money, ProductStatus } from '@shop/contracts';
import type { HandlerContext } from '@shop/kit';
import type { CatalogDeps } from './ports';

export interface ProductFacts {
  id: string;
  sku: string;
  name: string;
  price: Money;
  status: ProductStatus;
}

/**
 * The authoritative facts orders price an order with, read from the database (never the cache) and for
 * archived products too: their status says they cannot be bought. Unknown ids are left out.
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
    const { sku, name, price, status } = product;
    return [{ id, sku, name, price, status }];
  });
}
