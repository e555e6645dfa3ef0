import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { type PostgresServer, startPostgres } from '@shop/testkit/src/postgres';
import { type CatalogHarness, startCatalog } from './support/catalog-harness';
import { describeProductSearch } from './support/search-contract';

const logDir = join(resolve(__dirname, '../../..'), '.tmp/test-logs/catalog-postgres');

let pg: PostgresServer;
beforeAll(async () => {
  pg = await startPostgres({ logDir });
}, 120_000);
afterAll(() => pg?.stop(), 60_000);

const onFreshDatabase = async () =>
  startCatalog({ databaseUrl: await pg.createDatabase(`catalog_${randomUUID().slice(0, 8)}`) });

describeProductSearch('PostgreSQL', onFreshDatabase);

describe('the catalog on PostgreSQL', () => {
  let h: CatalogHarness;
  let categoryId: string;
  beforeEach(async () => {
    h = await onFreshDatabase();
    categoryId = (await h.given.category('Kitchen')).id;
  });
  afterEach(() => h.stop());

  it('stores the longest names and skus even where lowercasing lengthens them (varchar limits are real here)', async () => {
    const body = { sku: 'İ'.repeat(64), name: 'İ'.repeat(200), price: { amount: 1, currency: 'EUR' }, categoryId };
    const product = await h.expectStatus(await h.request('POST', '/api/products', { as: 'admin', body }), 201);
    const page = await h.expectStatus(await h.request('GET', `/api/products?q=${encodeURIComponent('i̇i̇')}`), 200);
    expect(page.items.map((item: { id: string }) => item.id)).toEqual([product.id]);
  });

  it('creates exactly one of many concurrent products with one sku (the unique index decides)', async () => {
    const body = { sku: 'RACE-1', name: 'Mug', price: { amount: 100, currency: 'EUR' }, categoryId };
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        h.request('POST', '/api/products', { as: 'admin', body: { ...body, sku: i % 2 ? 'race-1' : 'RACE-1' } }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, ...Array(9).fill(409)]);
    expect((await h.outbox()).filter((e) => e.topic === 'catalog.product-created')).toHaveLength(1);
  });

  it('lets exactly one of many concurrent PUTs with the same If-Match win', async () => {
    const product = await h.given.product({ categoryId });
    const etag = (await h.request('GET', `/api/products/${product.id}`)).headers.get('etag') ?? '';
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        h.request('PUT', `/api/products/${product.id}`, {
          as: 'admin',
          body: { sku: product.sku, name: `Name ${i}`, price: product.price, categoryId },
          headers: { 'if-match': etag },
        }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 412, 412, 412, 412, 412]);
  });

  it('never closes a cycle, however moves race', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await h.given.category(`C${i}`)).id);
    // Each moves under the next, around a ring: all five together would be a cycle.
    const results = await Promise.all(
      ids.map((id, i) =>
        h.request('PATCH', `/api/categories/${id}`, { as: 'admin', body: { parentId: ids[(i + 1) % ids.length] } }),
      ),
    );
    expect(results.filter((r) => r.status === 409).length).toBeGreaterThanOrEqual(1);
    expect(results.every((r) => r.status === 200 || r.status === 409)).toBe(true);
    const tree = await h.expectStatus(await h.request('GET', '/api/categories'), 200);
    const count = (nodes: Array<{ children: unknown[] }>): number =>
      nodes.reduce((n, node) => n + 1 + count(node.children as Array<{ children: unknown[] }>), 0);
    expect(count(tree)).toBe(6); // every category still reachable from a root: no cycle hides any
  });

  it('applies racing stock events to the newest version', async () => {
    const product = await h.given.product({ categoryId });
    const versions = Array.from({ length: 40 }, (_, i) => i + 1).sort(() => Math.random() - 0.5);
    await Promise.all(versions.map((version) => h.stockChanged(product.id, version, version)));
    expect((await h.expectStatus(await h.request('GET', `/api/products/${product.id}`), 200)).stock).toBe(40);
  });

  it('refuses to delete a category that gains a product meanwhile (the foreign key decides)', async () => {
    const cups = await h.given.category('Cups');
    const results = await Promise.all([
      h.request('DELETE', `/api/categories/${cups.id}`, { as: 'admin' }),
      h.request('POST', '/api/products', {
        as: 'admin',
        body: { sku: 'CUP-1', name: 'Cup', price: { amount: 1, currency: 'EUR' }, categoryId: cups.id },
      }),
    ]);
    // Either the delete won (and the product found no category) or the product won (and the delete refused).
    expect([
      [204, 400],
      [409, 201],
    ]).toContainEqual(results.map((r) => r.status));
  });
});
