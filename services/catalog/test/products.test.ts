import { randomUUID } from 'node:crypto';
import { publicDocument } from '@shop/kit';
import { eventually } from '@shop/testkit/src/eventually';
import { type CatalogHarness, startCatalog } from './support/catalog-harness';

let h: CatalogHarness;
let categoryId: string;
beforeEach(async () => {
  h = await startCatalog();
  categoryId = (await h.given.category('Kitchen')).id;
});
afterEach(() => h.stop());

const mug = () => ({
  sku: `MUG-${randomUUID().slice(0, 8)}`,
  name: 'Blue mug',
  description: 'Holds coffee',
  price: { amount: 1299, currency: 'EUR' },
  categoryId,
  initialStock: 7,
});

describe('creating a product', () => {
  it('answers 201 with the product, its stock being initialStock until inventory reports', async () => {
    const body = mug();
    const res = await h.request('POST', '/api/products', { as: 'admin', body });
    const product = await h.expectStatus(res, 201);
    expect(product).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      sku: body.sku,
      name: 'Blue mug',
      description: 'Holds coffee',
      price: { amount: 1299, currency: 'EUR' },
      categoryId,
      stock: 7,
      status: 'active',
      createdAt: expect.any(String),
      updatedAt: product.createdAt,
    });
    expect(new Date(product.createdAt).toISOString()).toBe(product.createdAt);
    expect(res.headers.get('location')).toBe(`/api/products/${product.id}`);
    expect(await h.expectStatus(await h.request('GET', `/api/products/${product.id}`), 200)).toEqual(product);
  });

  it('defaults description to empty and initialStock to 0', async () => {
    const { description: _d, initialStock: _s, ...body } = mug();
    const product = await h.expectStatus(await h.request('POST', '/api/products', { as: 'admin', body }), 201);
    expect(product).toMatchObject({ description: '', stock: 0 });
  });

  it('takes names and skus of the longest length even where lowercasing lengthens them', async () => {
    // 'İ' lowercases to two code units; the lowercase key columns have room for that.
    const body = { ...mug(), sku: 'İ'.repeat(64), name: 'İ'.repeat(200) };
    const product = await h.expectStatus(await h.request('POST', '/api/products', { as: 'admin', body }), 201);
    expect(product).toMatchObject({ sku: body.sku, name: body.name });
    const page = await h.expectStatus(await h.request('GET', '/api/products?sort=name&limit=1'), 200);
    expect(page.items[0].id).toBe(product.id);
    const tooLong = { ...mug(), sku: 'x'.repeat(65), name: 'x'.repeat(201) };
    const problem = await h.expectStatus(await h.request('POST', '/api/products', { as: 'admin', body: tooLong }), 400);
    expect(problem.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.name', 'body.sku']);
  });

  it('refuses a duplicate sku with 409, compared case-insensitively', async () => {
    const first = mug();
    await h.expectStatus(await h.request('POST', '/api/products', { as: 'admin', body: first }), 201);
    for (const sku of [first.sku, first.sku.toLowerCase()]) {
      const res = await h.request('POST', '/api/products', { as: 'admin', body: { ...mug(), sku } });
      const problem = await h.expectStatus(res, 409);
      expect(problem).toMatchObject({ status: 409, errors: [{ path: 'body.sku', message: expect.any(String) }] });
    }
  });

  it('creates exactly one of many concurrent products with one sku', async () => {
    const body = mug();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => h.request('POST', '/api/products', { as: 'admin', body })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
  });

  it('names every offending field in a 400', async () => {
    const res = await h.request('POST', '/api/products', {
      as: 'admin',
      body: {
        sku: '',
        name: 'x'.repeat(201),
        price: { amount: 12.5, currency: 'eur' },
        categoryId: 'kitchen',
        initialStock: -1,
        stock: 5,
      },
    });
    const problem = await h.expectStatus(res, 400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(problem).toMatchObject({ type: 'about:blank', title: expect.any(String), status: 400 });
    expect(problem.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'body.categoryId',
      'body.initialStock',
      'body.name',
      'body.price.amount',
      'body.price.currency',
      'body.sku',
      'body.stock',
    ]);
  });

  it('refuses missing required fields', async () => {
    const problem = await h.expectStatus(await h.request('POST', '/api/products', { as: 'admin', body: {} }), 400);
    expect(problem.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'body.categoryId',
      'body.name',
      'body.price',
      'body.sku',
    ]);
  });

  it('refuses an unknown categoryId with 400 naming body.categoryId', async () => {
    const res = await h.request('POST', '/api/products', { as: 'admin', body: { ...mug(), categoryId: randomUUID() } });
    expect((await h.expectStatus(res, 400)).errors).toEqual([{ path: 'body.categoryId', message: expect.any(String) }]);
  });

  it('lets only admins write: 401 without or with a bad token, 403 for a customer', async () => {
    const product = await h.given.product({ categoryId });
    for (const [method, path, body] of [
      ['POST', '/api/products', mug()],
      ['PUT', `/api/products/${product.id}`, mug()],
      ['DELETE', `/api/products/${product.id}`, undefined],
    ] as const) {
      const anonymous = await h.request(method, path, { body });
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toContain('Bearer');
      expect((await h.request(method, path, { body, as: { token: 'not.a.token' } })).status).toBe(401);
      expect((await h.request(method, path, { body, as: 'customer' })).status).toBe(403);
    }
    expect((await h.request('POST', '/api/products', { body: { sku: '' } })).status).toBe(401);
  });

  it('replays a retry with the same Idempotency-Key and body, and refuses the key with another body', async () => {
    const body = mug();
    const headers = { 'idempotency-key': 'create-mug-1' };
    const first = await h.request('POST', '/api/products', { as: 'admin', body, headers });
    const created = await h.expectStatus(first, 201);
    const retry = await h.request('POST', '/api/products', { as: 'admin', body, headers });
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.headers.get('location')).toBe(`/api/products/${created.id}`);
    expect(await h.expectStatus(retry, 201)).toEqual(created);
    const other = await h.request('POST', '/api/products', { as: 'admin', body: mug(), headers });
    expect(other.status).toBe(409);
    expect((await h.outbox()).filter((e) => e.topic === 'catalog.product-created')).toHaveLength(1);
    // Keys are per caller: another admin's identical key is a new request (here a duplicate sku).
    const otherAdmin = h.tokens.otherAdmin;
    const res = await h.request('POST', '/api/products', { as: { token: otherAdmin }, body, headers });
    expect(res.status).toBe(409);
  });

  it('runs a refused create again on retry with the same key', async () => {
    const headers = { 'idempotency-key': 'create-mug-2' };
    const body = { ...mug(), categoryId: randomUUID() };
    expect((await h.request('POST', '/api/products', { as: 'admin', body, headers })).status).toBe(400);
    const retry = await h.request('POST', '/api/products', { as: 'admin', body, headers });
    expect(retry.status).toBe(400);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
  });

  it('writes catalog.product-created to the outbox with the product', async () => {
    const product = await h.given.product({ categoryId, initialStock: 3, sku: 'EVT-1' });
    expect(await h.outbox()).toEqual([
      {
        topic: 'catalog.product-created',
        type: 'catalog.product-created',
        id: expect.any(String),
        data: {
          productId: product.id,
          sku: 'EVT-1',
          name: product.name,
          price: product.price,
          categoryId,
          status: 'active',
          initialStock: 3,
          createdAt: product.createdAt,
          version: 1,
        },
      },
    ]);
  });

  it('writes nothing when it refuses', async () => {
    const body = mug();
    await h.given.product(body);
    await h.request('POST', '/api/products', { as: 'admin', body });
    await h.request('POST', '/api/products', { as: 'admin', body: { ...mug(), categoryId: randomUUID() } });
    expect((await h.outbox()).map((e) => e.topic)).toEqual(['catalog.product-created']);
  });

  it('publishes its events through the relay onto the bus', async () => {
    const seen: string[] = [];
    h.bus.register('listener', {
      subscriptions: [
        {
          topic: 'catalog.product-created',
          handle: async (event) => {
            seen.push((event.data as { productId: string }).productId);
            return 'success';
          },
        },
      ],
    });
    await h.start();
    const product = await h.given.product({ categoryId });
    await eventually(() => expect(seen).toEqual([product.id]));
  });
});

describe('reading a product', () => {
  it('answers 404 for an unknown id, malformed ones included', async () => {
    for (const id of [randomUUID(), 'no-such-product', '1']) {
      const res = await h.request('GET', `/api/products/${id}`);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  });

  it('finds a product by its id in any case', async () => {
    const product = await h.given.product({ categoryId });
    expect((await h.request('GET', `/api/products/${product.id.toUpperCase()}`)).status).toBe(200);
  });
});

describe('replacing a product', () => {
  it('answers 200 with the product as replaced, and writes catalog.product-updated', async () => {
    const product = await h.given.product({ categoryId, initialStock: 4 });
    const other = await h.given.category('Garden');
    const body = { ...mug(), name: 'Green mug', categoryId: other.id, description: '', initialStock: 99 };
    const res = await h.request('PUT', `/api/products/${product.id}`, { as: 'admin', body });
    const updated = await h.expectStatus(res, 200);
    expect(updated).toMatchObject({
      id: product.id,
      sku: body.sku,
      name: 'Green mug',
      description: '',
      categoryId: other.id,
      stock: 4,
      createdAt: product.createdAt,
    });
    expect(new Date(updated.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(product.updatedAt).getTime());
    expect(await h.expectStatus(await h.request('GET', `/api/products/${product.id}`), 200)).toEqual(updated);
    const events = await h.outbox();
    expect(events.at(-1)).toEqual({
      topic: 'catalog.product-updated',
      type: 'catalog.product-updated',
      id: expect.any(String),
      data: {
        productId: product.id,
        sku: body.sku,
        name: 'Green mug',
        price: body.price,
        categoryId: other.id,
        status: 'active',
        updatedAt: updated.updatedAt,
        version: 2,
      },
    });
  });

  it('answers 404 for an unknown product, 400 for an unknown category, 409 for another product sku', async () => {
    const product = await h.given.product({ categoryId });
    const taken = await h.given.product({ categoryId });
    expect((await h.request('PUT', `/api/products/${randomUUID()}`, { as: 'admin', body: mug() })).status).toBe(404);
    const badCategory = await h.request('PUT', `/api/products/${product.id}`, {
      as: 'admin',
      body: { ...mug(), categoryId: randomUUID() },
    });
    expect((await h.expectStatus(badCategory, 400)).errors[0].path).toBe('body.categoryId');
    const duplicate = await h.request('PUT', `/api/products/${product.id}`, {
      as: 'admin',
      body: { ...mug(), sku: taken.sku },
    });
    expect(duplicate.status).toBe(409);
    const ownSku = await h.request('PUT', `/api/products/${product.id}`, {
      as: 'admin',
      body: { ...mug(), sku: product.sku },
    });
    expect(ownSku.status).toBe(200);
  });
});

describe("the product's version in its events", () => {
  it('goes up by one with every change, so consumers order changes within one millisecond', async () => {
    const product = await h.given.product({ categoryId });
    for (const name of ['Red mug', 'Blue mug', 'Grey mug']) {
      await h.expectStatus(
        await h.request('PUT', `/api/products/${product.id}`, { as: 'admin', body: { ...mug(), name } }),
        200,
      );
    }
    await h.request('DELETE', `/api/products/${product.id}`, { as: 'admin' });
    const mine = (await h.outbox()).filter((e) => (e.data as { productId: string }).productId === product.id);
    expect(mine.map((e) => [e.topic, (e.data as { version: number }).version])).toEqual([
      ['catalog.product-created', 1],
      ['catalog.product-updated', 2],
      ['catalog.product-updated', 3],
      ['catalog.product-updated', 4],
      ['catalog.product-deleted', 5],
    ]);
  });
});

describe('deleting a product', () => {
  it('archives it: 204, then 404 on GET, PUT and DELETE, gone from search, catalog.product-deleted written', async () => {
    const product = await h.given.product({ categoryId });
    await h.expectStatus(await h.request('GET', `/api/products/${product.id}`), 200); // cached now
    expect((await h.request('DELETE', `/api/products/${product.id}`, { as: 'admin' })).status).toBe(204);
    expect((await h.request('GET', `/api/products/${product.id}`)).status).toBe(404);
    expect((await h.request('PUT', `/api/products/${product.id}`, { as: 'admin', body: mug() })).status).toBe(404);
    expect((await h.request('DELETE', `/api/products/${product.id}`, { as: 'admin' })).status).toBe(404);
    const page = await h.expectStatus(await h.request('GET', '/api/products'), 200);
    expect(page.items).toEqual([]);
    const deleted = (await h.outbox()).filter((e) => e.topic === 'catalog.product-deleted');
    expect(deleted).toEqual([
      {
        topic: 'catalog.product-deleted',
        type: 'catalog.product-deleted',
        id: expect.any(String),
        data: { productId: product.id, deletedAt: expect.any(String), version: 2 },
      },
    ]);
  });

  it('keeps the sku of an archived product taken', async () => {
    const product = await h.given.product({ categoryId });
    await h.request('DELETE', `/api/products/${product.id}`, { as: 'admin' });
    const res = await h.request('POST', '/api/products', { as: 'admin', body: { ...mug(), sku: product.sku } });
    expect(res.status).toBe(409);
  });
});

describe('the internal lookup', () => {
  it('answers authoritative facts (category too) in the order asked, archived products with their status, unknown ids left out', async () => {
    const a = await h.given.product({ categoryId, price: { amount: 500, currency: 'EUR' } });
    const b = await h.given.product({ categoryId, price: { amount: 700, currency: 'USD' } });
    await h.request('DELETE', `/api/products/${b.id}`, { as: 'admin' });
    const deleted = (await h.outbox()).find((e) => e.topic === 'catalog.product-deleted' && e.data.productId === b.id);
    const res = await h.request('POST', '/internal/products/lookup', {
      body: { ids: [b.id, randomUUID(), a.id.toUpperCase()] },
    });
    // updatedAt is the instant the events carry: a consumer projecting both keeps the newer.
    expect(await h.expectStatus(res, 200)).toEqual({
      items: [
        {
          id: b.id,
          sku: b.sku,
          name: b.name,
          price: { amount: 700, currency: 'USD' },
          categoryId,
          status: 'archived',
          updatedAt: deleted?.data.deletedAt,
          version: 2,
        },
        {
          id: a.id,
          sku: a.sku,
          name: a.name,
          price: { amount: 500, currency: 'EUR' },
          categoryId,
          status: 'active',
          updatedAt: a.updatedAt,
          version: 1,
        },
      ],
    });
    expect(deleted?.data.deletedAt).toEqual(expect.any(String));
  });

  it('validates the ids', async () => {
    const res = await h.request('POST', '/internal/products/lookup', { body: { ids: ['x'] } });
    expect((await h.expectStatus(res, 400)).errors[0].path).toBe('body.ids.0');
    expect((await h.request('POST', '/internal/products/lookup', { body: { ids: [] } })).status).toBe(400);
  });
});

describe('the OpenAPI document', () => {
  it('documents the public routes with their schemas; the published document leaves the internal ones out', () => {
    const doc = publicDocument(h.catalog.openApi ?? {}) as {
      paths: Record<string, Record<string, { security?: unknown }>>;
    };
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/categories',
      '/api/categories/{id}',
      '/api/products',
      '/api/products/{id}',
    ]);
    expect(Object.keys(doc.paths['/api/products'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(doc.paths['/api/products']?.post?.security).toEqual([{ bearer: [] }]);
  });
});
