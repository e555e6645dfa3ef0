import { type CategoryNode, categoryTree } from '../domain/category-tree';
import type { CatalogDeps } from './ports';

export async function listCategories(deps: CatalogDeps): Promise<CategoryNode[]> {
  return categoryTree(await deps.read((unit) => unit.categories.all()));
}
