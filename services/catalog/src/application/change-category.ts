import type { HandlerContext } from '@shop/kit';
import { type Category, wouldCreateCycle } from '../domain/category-tree';
import type { CatalogDeps } from './ports';

/** Rename and/or move; `parentId: null` moves to the top level, undefined leaves the parent as it is. */
export interface ChangeCategory {
  id: string;
  name?: string;
  parentId?: string | null;
}

export type ChangeCategoryResult =
  | { ok: true; category: Category }
  | { ok: false; reason: 'not-found' | 'unknown-parent' | 'cycle' };

export async function changeCategory(
  _ctx: HandlerContext,
  input: ChangeCategory,
  deps: CatalogDeps,
): Promise<ChangeCategoryResult> {
  return deps.transaction(async (tx): Promise<ChangeCategoryResult> => {
    // Two moves that are each fine alone can close a cycle together (A under B, B under A), so every move
    // locks the whole tree before it checks: moves are rare admin work and the tree is small.
    const categories = await tx.categories.all({ forUpdate: input.parentId !== undefined });
    const current = categories.find((category) => category.id === input.id);
    if (!current) return tx.rollbackWith({ ok: false, reason: 'not-found' });
    const parentId = input.parentId === undefined ? current.parentId : input.parentId;
    if (parentId !== null && parentId !== current.parentId) {
      if (!categories.some((category) => category.id === parentId)) {
        return tx.rollbackWith({ ok: false, reason: 'unknown-parent' });
      }
      if (wouldCreateCycle(categories, input.id, parentId)) return tx.rollbackWith({ ok: false, reason: 'cycle' });
    }
    const category: Category = { id: current.id, name: input.name ?? current.name, parentId };
    await tx.categories.update(category, new Date());
    return { ok: true, category };
  });
}
