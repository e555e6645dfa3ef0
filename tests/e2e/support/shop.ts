import { randomUUID } from 'node:crypto';
import { json } from '@shop/testkit/src/listen';
import { adminToken, bearer, postJson } from './accounts';
import { baseUrl } from './base-url';
import { eventually } from './eventually';

export const testCards = {
  approved: '4242424242424242',
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
} as const;

export const shippingAddress = { line1: '221B Baker Street', city: 'London', postalCode: 'NW1 6XE', country: 'GB' };

export function payment(cardNumber: string = testCards.approved) {
  return { cardNumber, expMonth: 12, expYear: new Date().getUTCFullYear() + 3, cvc: '123' };
}

export async function get(path: string, token?: string): Promise<Response> {
  return fetch(`${baseUrl()}${path}`, { headers: token ? bearer(token) : {} });
}

let category: Promise<string> | undefined;

/**
 * A product created by the admin with `stock` units at `amount` minor units of `currency`, once inventory reports
 * them; in the suite's own category and named a brass telescope unless `product` says otherwise.
 */
export async function productWithStock(
  stock: number,
  amount = 1250,
  currency = 'EUR',
  product: { name?: string; categoryId?: string } = {},
): Promise<string> {
  const token = await adminToken();
  category ??= postJson('/api/categories', { name: `e2e-${randomUUID().slice(0, 8)}` }, bearer(token)).then(
    async (res) => (await json(res)).id as string,
  );
  const res = await postJson(
    '/api/products',
    {
      sku: `E2E-${randomUUID()}`,
      name: product.name ?? 'Brass telescope',
      description: 'Folds to pocket size',
      price: { amount, currency },
      categoryId: product.categoryId ?? (await category),
      initialStock: stock,
    },
    bearer(token),
  );
  if (res.status !== 201) throw new Error(`product create answered ${res.status}: ${await res.text()}`);
  const { id } = await json(res);
  await eventually(async () => {
    const levels = await get(`/api/inventory/${id}`);
    if (levels.status !== 200 || (await json(levels)).available !== stock) throw new Error('stock not there yet');
  });
  return id;
}

export async function levelsOf(productId: string) {
  return json(await get(`/api/inventory/${productId}`));
}

/** Waits until the order reaches one of `statuses` and answers it. */
export async function orderReaching(orderId: string, token: string, statuses: string[]) {
  return eventually(async () => {
    const order = await json(await get(`/api/orders/${orderId}`, token));
    if (!statuses.includes(order.status))
      throw new Error(`order is ${order.status}, waiting for ${statuses.join('|')}`);
    return order;
  });
}
