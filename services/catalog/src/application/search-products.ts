import type { HandlerContext, KeysetPage } from '@shop/kit';
import { subtreeIds } from '../domain/category-tree';
import type { Product } from '../domain/product';
import {
  containsPattern,
  decodeCursor,
  encodeCursor,
  type ProductSearch,
  positionAfter,
  sortOrderOf,
} from '../domain/product-search';
import type { CatalogDeps } from './ports';

export type SearchProductsResult =
  | { ok: true; items: Product[]; nextCursor: string | null }
  | { ok: false; reason: 'invalid-cursor'; detail: string };

/**
 * Keyset pagination: each page starts strictly after the previous page's last (sort key, id), so rows
 * inserted or changed meanwhile never shift a later page (no duplicates, no gaps in the rows that were there).
 */
export async function searchProducts(
  _ctx: HandlerContext,
  search: ProductSearch,
  deps: CatalogDeps,
): Promise<SearchProductsResult> {
  const after = search.cursor === undefined ? undefined : decodeCursor(search.cursor, search.sort);
  if (after === 'malformed') return { ok: false, reason: 'invalid-cursor', detail: 'is not a cursor this API issued' };
  if (after === 'other-sort') {
    return { ok: false, reason: 'invalid-cursor', detail: `was issued for another sort order than ${search.sort}` };
  }
  const { key, direction } = sortOrderOf(search.sort);
  const page = await deps.read(async (unit): Promise<KeysetPage<Product>> => {
    let categoryIds: string[] | undefined;
    if (search.categoryId !== undefined) {
      categoryIds = subtreeIds(await unit.categories.all(), search.categoryId);
      if (categoryIds.length === 0) return { items: [], last: undefined };
    }
    return unit.products.search({
      pattern: search.q ? containsPattern(search.q) : undefined,
      categoryIds,
      minPrice: search.minPrice,
      maxPrice: search.maxPrice,
      order: key,
      direction,
      after,
      limit: search.limit,
    });
  });
  const nextCursor = page.last ? encodeCursor(positionAfter(page.last, search.sort)) : null;
  return { ok: true, items: page.items, nextCursor };
}
