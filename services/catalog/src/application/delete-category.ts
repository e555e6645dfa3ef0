import type { CatalogDeps } from './ports';

export type DeleteCategoryResult =
  | { ok: true }
  | { ok: false; reason: 'not-found' }
  | { ok: false; reason: 'not-empty'; detail: string };

/** Only an empty category goes: no child categories and no products, archived ones included. */
export async function deleteCategory(deps: CatalogDeps, id: string): Promise<DeleteCategoryResult> {
  return deps.transaction(async (tx): Promise<DeleteCategoryResult> => {
    if (!(await deps.categories.find(tx, id))) return tx.rollbackWith({ ok: false, reason: 'not-found' });
    const children = await deps.categories.hasChildren(tx, id);
    const products = await deps.products.countInCategory(tx, id);
    if (children || products > 0) {
      const holds = [children ? 'child categories' : '', products > 0 ? `${products} product(s)` : ''];
      return tx.rollbackWith({
        ok: false,
        reason: 'not-empty',
        detail: `It still has ${holds.filter(Boolean).join(' and ')}.`,
      });
    }
    // Between the checks and here a child or product may have arrived: the foreign keys have the last word.
    if ((await deps.categories.delete(tx, id)) === 'in-use') {
      return tx.rollbackWith({ ok: false, reason: 'not-empty', detail: 'A category or product was just added to it.' });
    }
    return { ok: true };
  });
}
