import { randomUUID } from 'node:crypto';
import type { Money } from '@shop/contracts';

export type AdminCall = (method: string, path: string, body?: unknown) => Promise<Response>;

export interface CatalogProduct {
  id: string;
  sku: string;
  name: string;
  price: Money;
  categoryId: string;
  updatedAt: string;
}

async function expectStatus<T>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** What an admin does at the catalog and the inventory, through their public APIs. */
export function ownerActions(admin: AdminCall) {
  let categoryId: string | undefined;
  const category = async () => {
    categoryId ??= (
      await expectStatus<{ id: string }>(await admin('POST', '/api/categories', { name: `Mugs ${randomUUID()}` }), 201)
    ).id;
    return categoryId;
  };
  return {
    async createProduct(price: Money, initialStock: number): Promise<CatalogProduct> {
      const body = { sku: `MUG-${randomUUID().slice(0, 8)}`, name: 'Plain mug', price, categoryId: await category() };
      return expectStatus(await admin('POST', '/api/products', { ...body, initialStock }), 201);
    },
    async changePrice(product: CatalogProduct, price: Money): Promise<CatalogProduct> {
      const { sku, name, categoryId } = product;
      return expectStatus(await admin('PUT', `/api/products/${product.id}`, { sku, name, price, categoryId }), 200);
    },
    async archive(productId: string): Promise<void> {
      await expectStatus(await admin('DELETE', `/api/products/${productId}`), 204);
    },
    async adjustStock(productId: string, delta: number): Promise<{ available: number }> {
      return expectStatus(
        await admin('POST', `/api/inventory/${productId}/adjustments`, { delta, reason: 'recount' }),
        200,
      );
    },
    /** Answers once inventory opened the product's stock item (it does so on catalog.product-created). */
    async stockOpened(productId: string): Promise<boolean> {
      return (await admin('GET', `/api/inventory/${productId}`)).status === 200;
    },
  };
}
