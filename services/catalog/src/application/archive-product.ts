import type { HandlerContext } from '@shop/kit';
import type { CatalogDeps } from './ports';
import { productDeleted } from './product-events';

export type ArchiveProductResult = { ok: true } | { ok: false; reason: 'not-found' };

/**
 * DELETE archives: orders placed earlier keep a product to refer to, and the product-deleted event tells
 * the other contexts it can no longer be bought. An archived product answers 404 like one never created.
 */
export async function archiveProduct(
  _ctx: HandlerContext,
  { id }: { id: string },
  deps: CatalogDeps,
): Promise<ArchiveProductResult> {
  const result = await deps.transaction(async (tx): Promise<ArchiveProductResult> => {
    const at = new Date();
    if (!(await tx.products.archive(id, at))) return tx.rollbackWith({ ok: false, reason: 'not-found' });
    const archived = await tx.products.find(id);
    if (!archived) throw new Error(`product ${id} vanished inside its own archive`);
    const { topic, envelope } = productDeleted(archived, at);
    await tx.outbox(topic, envelope);
    return { ok: true };
  });
  if (result.ok) await deps.cache.invalidate(id);
  return result;
}
