import type { HandlerContext } from '@shop/kit';
import type { Product, ProductDraft, ProductVersion } from '../domain/product';
import type { CatalogDeps } from './ports';
import { productUpdated } from './product-events';

export interface UpdateProduct {
  id: string;
  draft: ProductDraft;
  /** From If-Match: update only if the product is still at one of these versions; undefined updates any. */
  expected?: ProductVersion[];
}

export type UpdateProductResult =
  | { ok: true; product: Product }
  | { ok: false; reason: 'not-found' | 'precondition-failed' | 'unknown-category' | 'duplicate-sku' };

export async function updateProduct(
  _ctx: HandlerContext,
  input: UpdateProduct,
  deps: CatalogDeps,
): Promise<UpdateProductResult> {
  const result = await deps.transaction(async (tx): Promise<UpdateProductResult> => {
    if (!(await tx.categories.find(input.draft.categoryId))) {
      return tx.rollbackWith({ ok: false, reason: 'unknown-category' });
    }
    // One conditional UPDATE checks existence and the If-Match versions together, so no other writer can slip
    // in between a check and the write.
    const written = await tx.products.update(input.id, input.draft, {
      updatedAt: new Date(),
      expected: input.expected,
    });
    if (written === 'no-match') {
      const current = await tx.products.find(input.id);
      const reason = current?.status === 'active' ? 'precondition-failed' : 'not-found';
      return tx.rollbackWith({ ok: false, reason });
    }
    if (written !== 'done') return tx.rollbackWith({ ok: false, reason: written });
    const product = await tx.products.find(input.id);
    if (!product) throw new Error(`product ${input.id} vanished inside its own update`);
    const { topic, envelope } = productUpdated(product);
    await tx.outbox(topic, envelope);
    return { ok: true, product };
  });
  if (result.ok) await deps.cache.invalidate(input.id);
  return result;
}
