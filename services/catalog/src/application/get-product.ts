import type { HandlerContext } from '@shop/kit';
import { productEtag, productView } from '../domain/product';
import type { CachedProduct, CatalogDeps } from './ports';

/**
 * The hot read: a cache hit is one state-store get and nothing else (no database, no serialization: the
 * entry holds the JSON as sent). A miss reads the database and fills the cache for the next caller.
 * Undefined when there is no active product with this id.
 */
export async function getProduct(
  _ctx: HandlerContext,
  { id }: { id: string },
  deps: CatalogDeps,
): Promise<CachedProduct | undefined> {
  const cached = await deps.cache.get(id);
  if (cached) return cached;
  const product = await deps.read((unit) => unit.products.find(id));
  if (product?.status !== 'active') return undefined;
  const entry = { etag: productEtag(product), json: JSON.stringify(productView(product)) };
  await deps.cache.put(id, entry);
  return entry;
}
