import { randomUUID } from 'node:crypto';
import { json } from '@shop/testkit/src/listen';
import { adminToken, bearer, newCustomer, postJson, type TestCustomer } from './support/accounts';
import { baseUrl } from './support/base-url';

// Black-box: only HTTP against the platform origin, written against CONTRACT.md (Inventory, Catalog).
// Products come from the catalog; their stock item appears in the inventory once the catalog's
// product-created event has been delivered, so reads of a new product's stock poll with a deadline.

const problemType = /^application\/problem\+json/;
const inventoryDeadlineMs = 15_000;

interface Levels {
  productId: string;
  onHand: number;
  reserved: number;
  available: number;
}

let admin: string;
let customer: TestCustomer;
let categoryId: string;

beforeAll(async () => {
  admin = await adminToken();
  customer = await newCustomer('Stock Watcher');
  const res = await postJson('/api/categories', { name: `Inventory e2e ${randomUUID()}` }, bearer(admin));
  if (res.status !== 201) throw new Error(`creating a category answered ${res.status}: ${await res.text()}`);
  categoryId = ((await json(res)) as { id: string }).id;
}, 60_000);

async function createProduct(initialStock?: number): Promise<string> {
  const body = {
    sku: `INV-${randomUUID()}`,
    name: 'Enamel mug',
    price: { amount: 1299, currency: 'EUR' },
    categoryId,
    ...(initialStock === undefined ? {} : { initialStock }),
  };
  const res = await postJson('/api/products', body, bearer(admin));
  if (res.status !== 201) throw new Error(`creating a product answered ${res.status}: ${await res.text()}`);
  return ((await json(res)) as { id: string }).id;
}

function getLevels(productId: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${baseUrl()}/api/inventory/${productId}`, { headers });
}

/** The product's levels once the inventory knows it; fails after the deadline. */
async function levelsOnceKnown(productId: string): Promise<Levels> {
  const deadline = Date.now() + inventoryDeadlineMs;
  for (;;) {
    const res = await getLevels(productId);
    if (res.status === 200) return (await json(res)) as Levels;
    if (res.status !== 404 || Date.now() > deadline) {
      throw new Error(`GET /api/inventory/${productId} answered ${res.status}: ${await res.text()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function productWithStock(initialStock: number): Promise<string> {
  const productId = await createProduct(initialStock);
  await levelsOnceKnown(productId);
  return productId;
}

function adjust(productId: string, body: unknown, headers: Record<string, string> = bearer(admin)): Promise<Response> {
  return postJson(`/api/inventory/${productId}/adjustments`, body, headers);
}

describe('inventory levels', () => {
  it('shows a new product with its initial stock on hand, to anyone', async () => {
    const productId = await createProduct(25);
    expect(await levelsOnceKnown(productId)).toEqual({ productId, onHand: 25, reserved: 0, available: 25 });
  });

  it('starts a product created without initialStock at zero', async () => {
    const productId = await createProduct();
    expect(await levelsOnceKnown(productId)).toEqual({ productId, onHand: 0, reserved: 0, available: 0 });
  });

  it('answers 404 as a problem document for a product it does not know', async () => {
    const res = await getLevels(randomUUID());
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(problemType);
    expect(await json(res)).toMatchObject({ status: 404 });
  });

  it('answers 400 naming the field for an id that is not a UUID', async () => {
    const res = await getLevels('not-a-uuid');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(problemType);
    const problem = await json(res);
    expect(problem.errors.length).toBeGreaterThan(0);
    expect(problem.errors.map((error: { path: string }) => error.path).join(' ')).toContain('productId');
  });

  it("reports the product's stock in the catalog once the inventory has announced it", async () => {
    const productId = await productWithStock(9);
    await adjust(productId, { delta: -2, reason: 'e2e: damaged' });
    const deadline = Date.now() + inventoryDeadlineMs;
    let stock: number | undefined;
    while (Date.now() < deadline) {
      stock = ((await json(await fetch(`${baseUrl()}/api/products/${productId}`))) as { stock: number }).stock;
      if (stock === 7) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(stock).toBe(7);
  });
});

describe('inventory adjustments', () => {
  it('lets an admin adjust on hand and answers the new levels', async () => {
    const productId = await productWithStock(10);
    const res = await adjust(productId, { delta: 5, reason: 'e2e: delivery' });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ productId, onHand: 15, reserved: 0, available: 15 });
    const removed = await adjust(productId, { delta: -15, reason: 'e2e: recall' });
    expect(await json(removed)).toEqual({ productId, onHand: 0, reserved: 0, available: 0 });
    expect(await levelsOnceKnown(productId)).toEqual({ productId, onHand: 0, reserved: 0, available: 0 });
  });

  it('answers 401 without a token and 403 for a customer', async () => {
    const productId = await productWithStock(3);
    expect((await adjust(productId, { delta: 1, reason: 'e2e' }, {})).status).toBe(401);
    const forbidden = await adjust(productId, { delta: 1, reason: 'e2e' }, bearer(customer.accessToken));
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('content-type')).toMatch(problemType);
    expect((await levelsOnceKnown(productId)).onHand).toBe(3);
  });

  it('answers 400 naming every bad field', async () => {
    const productId = await productWithStock(3);
    const res = await adjust(productId, { delta: 0 });
    expect(res.status).toBe(400);
    const paths = (await json(res)).errors.map((error: { path: string }) => error.path);
    expect(paths).toEqual(
      expect.arrayContaining([expect.stringContaining('delta'), expect.stringContaining('reason')]),
    );
    const fraction = await adjust(productId, { delta: 0.5, reason: 'e2e' });
    expect(fraction.status).toBe(400);
    expect((await levelsOnceKnown(productId)).onHand).toBe(3);
  });

  it('answers 409 when on hand would go below reserved', async () => {
    const productId = await productWithStock(4);
    const res = await adjust(productId, { delta: -5, reason: 'e2e: too many' });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toMatch(problemType);
    expect(await levelsOnceKnown(productId)).toEqual({ productId, onHand: 4, reserved: 0, available: 4 });
  });

  it('answers 404 for a product it does not know', async () => {
    expect((await adjust(randomUUID(), { delta: 1, reason: 'e2e' })).status).toBe(404);
  });

  it('replays the first answer for a repeated Idempotency-Key and refuses the key with another body', async () => {
    const productId = await productWithStock(10);
    const headers = { ...bearer(admin), 'idempotency-key': `e2e-${randomUUID()}` };
    const first = await adjust(productId, { delta: 3, reason: 'e2e: once' }, headers);
    const again = await adjust(productId, { delta: 3, reason: 'e2e: once' }, headers);
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(await json(again)).toEqual(await json(first));
    expect((await levelsOnceKnown(productId)).onHand).toBe(13);
    expect((await adjust(productId, { delta: 4, reason: 'e2e: once' }, headers)).status).toBe(409);
    expect((await levelsOnceKnown(productId)).onHand).toBe(13);
  });

  it('never takes available below zero when many removals race', async () => {
    const productId = await productWithStock(10);
    const results = await Promise.all(
      Array.from({ length: 25 }, () => adjust(productId, { delta: -1, reason: 'e2e: race' })),
    );
    const statuses = results.map((res) => res.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(10);
    expect(statuses.filter((status) => status === 409)).toHaveLength(15);
    expect(await levelsOnceKnown(productId)).toEqual({ productId, onHand: 0, reserved: 0, available: 0 });
  });
});

describe('inventory boundaries', () => {
  it('documents its API at /openapi/inventory.json', async () => {
    const res = await fetch(`${baseUrl()}/openapi/inventory.json`);
    expect(res.status).toBe(200);
    const doc = await json(res);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/inventory/{productId}', '/api/inventory/{productId}/adjustments']),
    );
  });

  it('does not expose the internal reservation routes at the public origin', async () => {
    const productId = await productWithStock(2);
    const res = await postJson('/internal/reservations', {
      orderId: randomUUID(),
      lines: [{ productId, quantity: 2 }],
    });
    expect(res.status).toBe(404);
    expect(await levelsOnceKnown(productId)).toEqual({ productId, onHand: 2, reserved: 0, available: 2 });
  });
});
