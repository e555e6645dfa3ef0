import type { HandlerContext } from '@shop/kit';
import { type CategoryNode, categoryTree } from '../domain/category-tree';
import type { CatalogDeps } from './ports';

export async function listCategories(
  _ctx: HandlerContext,
  _input: Record<string, never>,
  deps: CatalogDeps,
): Promise<CategoryNode[]> {
  return categoryTree(await deps.read((unit) => unit.categories.all()));
}
