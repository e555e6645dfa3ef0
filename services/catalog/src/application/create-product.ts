import { randomUUID } from 'node:crypto';
import type { HandlerContext } from '@shop/kit';
import type { Product, ProductDraft } from '../domain/product';
import type { CatalogTx } from './ports';
import { productCreated } from './product-events';

export type CreateProduct = ProductDraft & { initialStock: number };

export type CreateProductResult =
  | { ok: true; product: Product }
  | { ok: false; reason: 'unknown-category' | 'duplicate-sku' };

/**
 * Creating a product opens its stock (inventory takes initialStock from the event), so the HTTP write runs
 * this inside the transaction that also stores its Idempotency-Key.
 */
export async function createProductIn(
  _ctx: HandlerContext,
  input: CreateProduct,
  { tx }: { tx: CatalogTx },
): Promise<CreateProductResult> {
  const now = new Date();
  const { initialStock, ...draft } = input;
  const product: Product = {
    ...draft,
    id: randomUUID(),
    status: 'active',
    stock: initialStock,
    stockVersion: 0,
    rowVersion: 1,
    createdAt: now,
    updatedAt: now,
  };
  if (!(await tx.categories.find(draft.categoryId))) {
    return tx.rollbackWith({ ok: false, reason: 'unknown-category' });
  }
  // The unique index decides a duplicate sku: a check before the insert would race a concurrent create.
  const written = await tx.products.insert(product);
  if (written !== 'done') return tx.rollbackWith({ ok: false, reason: written });
  // Read back so the answer is what the database keeps (SQL Server rounds timestamps it is sent).
  const stored = (await tx.products.find(product.id)) ?? product;
  const { topic, envelope } = productCreated(stored, initialStock);
  await tx.outbox(topic, envelope);
  return { ok: true, product: stored };
}
