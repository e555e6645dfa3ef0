import { randomUUID } from 'node:crypto';
import type { HandlerContext } from '@shop/kit';
import type { Category } from '../domain/category-tree';
import type { CatalogDeps } from './ports';

export interface CreateCategory {
  name: string;
  parentId: string | null;
}

export type CreateCategoryResult = { ok: true; category: Category } | { ok: false; reason: 'unknown-parent' };

export async function createCategory(
  _ctx: HandlerContext,
  input: CreateCategory,
  deps: CatalogDeps,
): Promise<CreateCategoryResult> {
  const category: Category = { id: randomUUID(), name: input.name, parentId: input.parentId };
  return deps.transaction(async (tx): Promise<CreateCategoryResult> => {
    if (input.parentId !== null && !(await tx.categories.find(input.parentId))) {
      return tx.rollbackWith({ ok: false, reason: 'unknown-parent' });
    }
    // A new category has no children, so it can close no cycle; the foreign key catches a parent deleted meanwhile.
    if ((await tx.categories.insert(category, new Date())) !== 'done') {
      return tx.rollbackWith({ ok: false, reason: 'unknown-parent' });
    }
    return { ok: true, category };
  });
}
