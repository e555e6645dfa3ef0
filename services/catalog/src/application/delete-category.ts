import type { HandlerContext } from '@shop/kit';
import type { CatalogDeps } from './ports';

export type DeleteCategoryResult =
  | { ok: true }
  | { ok: false; reason: 'not-found' }
  | { ok: false; reason: 'not-empty'; detail: string };

/** Only an empty category goes: no child categories and no products, archived ones included. */
export async function deleteCategory(
  _ctx: HandlerContext,
  { id }: { id: string },
  deps: CatalogDeps,
): Promise<DeleteCategoryResult> {
  return deps.transaction(async (tx): Promise<DeleteCategoryResult> => {
    if (!(await tx.categories.find(id))) return tx.rollbackWith({ ok: false, reason: 'not-found' });
    const children = await tx.categories.hasChildren(id);
    const products = await tx.products.countInCategory(id);
    if (children || products > 0) {
      const holds = [children ? 'child categories' : '', products > 0 ? `${products} product(s)` : ''];
      return tx.rollbackWith({
        ok: false,
        reason: 'not-empty',
        detail: `It still has ${holds.filter(Boolean).join(' and ')}.`,
      });
    }
    // Between the checks and here a child or product may have arrived: the foreign keys have the last word.
    if ((await tx.categories.delete(id)) === 'in-use') {
      return tx.rollbackWith({ ok: false, reason: 'not-empty', detail: 'A category or product was just added to it.' });
    }
    return { ok: true };
  });
}
