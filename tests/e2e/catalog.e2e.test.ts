import { randomUUID } from 'node:crypto';
import { json } from '@shop/testkit/src/listen';
import { adminToken, bearer, newCustomer, postJson, type TestCustomer } from './support/accounts';
import { baseUrl } from './support/base-url';
import { eventually } from './support/eventually';

// Black-box: only HTTP against the platform origin, written against CONTRACT.md (Conventions, Catalog).
// The platform is shared by every e2e file and keeps its data, so each test makes its own categories and
// unique skus and names, and searches only inside what it made.

const problemType = /^application\/problem\+json/;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Money {
  amount: number;
  currency: string;
}

interface Product {
  id: string;
  sku: string;
  name: string;
  description: string;
  price: Money;
  categoryId: string;
  stock: number;
  createdAt: string;
  updatedAt: string;
}

interface Page {
  items: Product[];
  nextCursor: string | null;
}

interface CategoryNode {
  id: string;
  name: string;
  parentId: string | null;
  children: CategoryNode[];
}

let admin: Record<string, string>;
let customer: TestCustomer;

beforeAll(async () => {
  admin = bearer(await adminToken());
  customer = await newCustomer('Catalog Browser');
}, 60_000);

function send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${baseUrl()}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const get = (path: string, headers: Record<string, string> = {}) => send('GET', path, undefined, headers);

async function expectStatus<T>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`${res.url} answered ${res.status}, expected ${status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

async function newCategory(
  name: string,
  parentId?: string,
): Promise<{ id: string; name: string; parentId: string | null }> {
  return expectStatus(await postJson('/api/categories', { name, ...(parentId ? { parentId } : {}) }, admin), 201);
}

function productBody(categoryId: string, overrides: Record<string, unknown> = {}) {
  return {
    sku: `CAT-${randomUUID()}`,
    name: `Enamel mug ${randomUUID().slice(0, 8)}`,
    description: 'Holds 350 ml',
    price: { amount: 1299, currency: 'EUR' },
    categoryId,
    ...overrides,
  };
}

async function newProduct(categoryId: string, overrides: Record<string, unknown> = {}): Promise<Product> {
  return expectStatus(await postJson('/api/products', productBody(categoryId, overrides), admin), 201);
}

async function search(query: Record<string, string | number>): Promise<Page> {
  const params = new URLSearchParams(
    Object.entries(query).map(([key, value]) => [key, String(value)] as [string, string]),
  );
  return expectStatus(await get(`/api/products?${params}`), 200);
}

function findNode(nodes: CategoryNode[], id: string): CategoryNode | undefined {
  for (const node of nodes) {
    if (node.id === id) return node;
    const found = findNode(node.children, id);
    if (found) return found;
  }
  return undefined;
}

describe('categories', () => {
  it('creates categories as {id, name, parentId} and lists them as a tree', async () => {
    const tag = randomUUID().slice(0, 8);
    const root = await newCategory(`Kitchen ${tag}`);
    expect(root).toEqual({ id: expect.stringMatching(uuid), name: `Kitchen ${tag}`, parentId: null });
    const child = await newCategory(`Mugs ${tag}`, root.id);
    expect(child).toEqual({ id: expect.stringMatching(uuid), name: `Mugs ${tag}`, parentId: root.id });
    const grandchild = await newCategory(`Espresso cups ${tag}`, child.id);

    const tree = await expectStatus<CategoryNode[]>(await get('/api/categories'), 200);
    const rootNode = tree.find((node) => node.id === root.id);
    expect(rootNode).toEqual({
      id: root.id,
      name: `Kitchen ${tag}`,
      parentId: null,
      children: [
        {
          id: child.id,
          name: `Mugs ${tag}`,
          parentId: root.id,
          children: [{ id: grandchild.id, name: `Espresso cups ${tag}`, parentId: child.id, children: [] }],
        },
      ],
    });
    // Only roots at the top level.
    expect(tree.every((node) => node.parentId === null)).toBe(true);
  });

  it('lets only admins create categories: 401 without a token, 403 for a customer', async () => {
    const anonymous = await postJson('/api/categories', { name: 'Nope' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toMatch(problemType);
    expect((await postJson('/api/categories', { name: 'Nope' }, bearer(customer.accessToken))).status).toBe(403);
  });

  it('refuses a category with an unknown parent or no name with 400 naming the fields', async () => {
    const res = await postJson('/api/categories', { name: '', parentId: randomUUID() }, admin);
    const problem = await expectStatus<{ errors: Array<{ path: string }> }>(res, 400);
    expect(res.headers.get('content-type')).toMatch(problemType);
    expect(problem.errors.map((error) => error.path)).toContain('body.name');
    const unknownParent = await postJson('/api/categories', { name: 'Orphan', parentId: randomUUID() }, admin);
    const orphan = await expectStatus<{ errors: Array<{ path: string }> }>(unknownParent, 400);
    expect(orphan.errors.map((error) => error.path)).toEqual(['body.parentId']);
  });

  it('moves a category but never under its own descendant, and deletes it only when empty', async () => {
    const tag = randomUUID().slice(0, 8);
    const a = await newCategory(`A ${tag}`);
    const b = await newCategory(`B ${tag}`, a.id);
    const cycle = await send('PATCH', `/api/categories/${a.id}`, { parentId: b.id }, admin);
    expect([400, 409]).toContain(cycle.status);
    expect(cycle.headers.get('content-type')).toMatch(problemType);

    const renamed = await send('PATCH', `/api/categories/${b.id}`, { name: `B2 ${tag}`, parentId: null }, admin);
    expect(await expectStatus(renamed, 200)).toEqual({ id: b.id, name: `B2 ${tag}`, parentId: null });

    await newProduct(b.id);
    expect((await send('DELETE', `/api/categories/${b.id}`, undefined, admin)).status).toBe(409);
    const child = await newCategory(`C ${tag}`, a.id);
    expect((await send('DELETE', `/api/categories/${a.id}`, undefined, admin)).status).toBe(409);
    expect((await send('DELETE', `/api/categories/${child.id}`, undefined, admin)).status).toBe(204);
    expect((await send('DELETE', `/api/categories/${a.id}`, undefined, admin)).status).toBe(204);
    const tree = await expectStatus<CategoryNode[]>(await get('/api/categories'), 200);
    expect(findNode(tree, a.id)).toBeUndefined();
  });
});

describe('products', () => {
  let categoryId: string;
  beforeAll(async () => {
    categoryId = (await newCategory(`Products e2e ${randomUUID()}`)).id;
  });

  it('creates a product (201) that GET answers as {id, sku, name, description, price, categoryId, stock, createdAt, updatedAt}', async () => {
    const body = productBody(categoryId, { initialStock: 5 });
    const res = await postJson('/api/products', body, admin);
    const created = await expectStatus<Product>(res, 201);
    expect(created).toMatchObject({
      id: expect.stringMatching(uuid),
      sku: body.sku,
      name: body.name,
      description: body.description,
      price: { amount: 1299, currency: 'EUR' },
      categoryId,
      stock: 5,
    });
    expect(new Date(created.createdAt).toISOString()).toBe(created.createdAt);
    expect(new Date(created.updatedAt).toISOString()).toBe(created.updatedAt);

    const read = await get(`/api/products/${created.id}`);
    expect(read.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await expectStatus<Product>(read, 200)).toEqual(created);
  });

  it('creates a product once per Idempotency-Key: a retry gets the first answer, another body 409', async () => {
    const body = productBody(categoryId, { initialStock: 2 });
    const headers = { ...admin, 'idempotency-key': `catalog-e2e-${randomUUID()}` };
    const first = await expectStatus<Product>(await postJson('/api/products', body, headers), 201);
    const retry = await expectStatus<Product>(await postJson('/api/products', body, headers), 201);
    expect(retry).toEqual(first);
    expect((await postJson('/api/products', productBody(categoryId), headers)).status).toBe(409);
  });

  it('answers 404 with a problem document for a product that does not exist', async () => {
    const res = await get(`/api/products/${randomUUID()}`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(problemType);
  });

  it('refuses a duplicate sku with 409', async () => {
    const body = productBody(categoryId);
    await expectStatus(await postJson('/api/products', body, admin), 201);
    const res = await postJson('/api/products', { ...body, name: 'Another name' }, admin);
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toMatch(problemType);
    expect(await json(res)).toMatchObject({ status: 409 });
  });

  it('answers bad input with 400 naming every offending field, an unknown category included', async () => {
    const res = await postJson(
      '/api/products',
      { sku: '', name: 'Mug', price: { amount: 12.99, currency: 'euro' }, categoryId: 'not-a-uuid' },
      admin,
    );
    const problem = await expectStatus<{ status: number; errors: Array<{ path: string; message: string }> }>(res, 400);
    expect(res.headers.get('content-type')).toMatch(problemType);
    expect(problem.errors.map((error) => error.path).sort()).toEqual([
      'body.categoryId',
      'body.price.amount',
      'body.price.currency',
      'body.sku',
    ]);

    const unknown = await postJson('/api/products', productBody(randomUUID()), admin);
    const unknownProblem = await expectStatus<{ errors: Array<{ path: string }> }>(unknown, 400);
    expect(unknownProblem.errors.map((error) => error.path)).toEqual(['body.categoryId']);
  });

  it('lets only admins write products: 401 without a token, 403 for a customer', async () => {
    const product = await newProduct(categoryId);
    const writes: Array<[string, string, unknown]> = [
      ['POST', '/api/products', productBody(categoryId)],
      ['PUT', `/api/products/${product.id}`, productBody(categoryId)],
      ['DELETE', `/api/products/${product.id}`, undefined],
    ];
    for (const [method, path, body] of writes) {
      const anonymous = await send(method, path, body);
      expect([method, anonymous.status]).toEqual([method, 401]);
      expect(anonymous.headers.get('content-type')).toMatch(problemType);
      const invalid = await send(method, path, body, { authorization: 'Bearer not-a-token' });
      expect([method, invalid.status]).toEqual([method, 401]);
      const asCustomer = await send(method, path, body, bearer(customer.accessToken));
      expect([method, asCustomer.status]).toEqual([method, 403]);
    }
    expect((await get(`/api/products/${product.id}`)).status).toBe(200);
  });

  it('replaces a product with PUT (200) and answers the new version from then on', async () => {
    const product = await newProduct(categoryId);
    const replacement = productBody(categoryId, {
      sku: product.sku,
      name: `Renamed ${randomUUID().slice(0, 8)}`,
      price: { amount: 1499, currency: 'EUR' },
    });
    const updated = await expectStatus<Product>(
      await send('PUT', `/api/products/${product.id}`, replacement, admin),
      200,
    );
    expect(updated).toMatchObject({
      id: product.id,
      name: replacement.name,
      price: { amount: 1499, currency: 'EUR' },
      createdAt: product.createdAt,
    });
    expect(await expectStatus<Product>(await get(`/api/products/${product.id}`), 200)).toEqual(updated);
    expect((await send('PUT', `/api/products/${randomUUID()}`, productBody(categoryId), admin)).status).toBe(404);
  });

  it('deletes a product (204): GET answers 404 and searches no longer list it', async () => {
    const marker = `gone${randomUUID().slice(0, 8)}`;
    const product = await newProduct(categoryId, { name: `Mug ${marker}` });
    expect((await search({ q: marker })).items.map((item) => item.id)).toEqual([product.id]);
    expect((await send('DELETE', `/api/products/${product.id}`, undefined, admin)).status).toBe(204);
    expect((await get(`/api/products/${product.id}`)).status).toBe(404);
    expect((await search({ q: marker })).items).toEqual([]);
  });

  it('answers If-None-Match with 304 and refuses a PUT with a stale If-Match', async () => {
    const product = await newProduct(categoryId);
    // Inventory reports the new product's stock soon after it is created, which rightly changes its ETag:
    // each exchange below is retried until it ran with no stock report in between.
    await eventually(async () => {
      const etag = (await get(`/api/products/${product.id}`)).headers.get('etag') ?? '';
      expect(etag).toMatch(/^"/);
      const again = await get(`/api/products/${product.id}`, { 'if-none-match': etag });
      expect(again.status).toBe(304);
      expect(again.headers.get('etag')).toBe(etag);
    });

    const body = productBody(categoryId, { sku: product.sku });
    let etag = '';
    await eventually(async () => {
      etag = (await get(`/api/products/${product.id}`)).headers.get('etag') ?? '';
      const fresh = await send('PUT', `/api/products/${product.id}`, body, { ...admin, 'if-match': etag });
      expect(fresh.status).toBe(200);
    });
    const stale = await send('PUT', `/api/products/${product.id}`, body, { ...admin, 'if-match': etag });
    expect(stale.status).toBe(412);
    expect(stale.headers.get('content-type')).toMatch(problemType);
  });

  it('reports as stock the available quantity inventory last reported', async () => {
    const product = await newProduct(categoryId, { initialStock: 5 });
    expect(product.stock).toBe(5);
    // The inventory opens the product's stock once the catalog's product-created event reached it.
    await eventually(async () => {
      const res = await get(`/api/inventory/${product.id}`);
      expect(res.status).toBe(200);
    });
    const adjusted = await postJson(`/api/inventory/${product.id}/adjustments`, { delta: 3, reason: 'e2e' }, admin);
    expect(adjusted.status).toBe(200);
    await eventually(async () => {
      expect((await expectStatus<Product>(await get(`/api/products/${product.id}`), 200)).stock).toBe(8);
    });
  });
});

describe('product search', () => {
  const tag = randomUUID().slice(0, 8);
  let kitchen: string;
  let mugs: string;
  let espresso: string;
  let garden: string;
  const made: Record<string, Product> = {};

  beforeAll(async () => {
    kitchen = (await newCategory(`Search kitchen ${tag}`)).id;
    mugs = (await newCategory(`Search mugs ${tag}`, kitchen)).id;
    espresso = (await newCategory(`Search espresso ${tag}`, mugs)).id;
    garden = (await newCategory(`Search garden ${tag}`)).id;
    const specs: Array<[string, string, number, string]> = [
      ['pan', `Frying PAN ${tag}`, 3_000, kitchen],
      ['mug', `Big mug ${tag}`, 1_500, mugs],
      ['cup', `Espresso cup ${tag}`, 900, espresso],
      ['percent', `100% enamel ${tag}`, 1_200, mugs],
      ['rake', `Garden rake ${tag}`, 2_500, garden],
    ];
    for (const [key, name, amount, categoryId] of specs) {
      made[key] = await newProduct(categoryId, { name, price: { amount, currency: 'EUR' } });
    }
  }, 60_000);

  const ids = (page: Page) => page.items.map((item) => item.id).sort();
  const idsOf = (...keys: string[]) => keys.map((key) => made[key]?.id).sort();

  it('answers a list {items, nextCursor}', async () => {
    const page = await search({ q: tag });
    expect(Object.keys(page).sort()).toEqual(['items', 'nextCursor']);
    expect(page.nextCursor).toBeNull();
    expect(ids(page)).toEqual(idsOf('pan', 'mug', 'cup', 'percent', 'rake'));
  });

  it('matches q case-insensitively, % literally', async () => {
    expect(ids(await search({ q: `frying pan ${tag}`.toUpperCase() }))).toEqual(idsOf('pan'));
    expect(ids(await search({ q: `BIG MUG ${tag}` }))).toEqual(idsOf('mug'));
    expect(ids(await search({ q: `100% enamel ${tag}` }))).toEqual(idsOf('percent'));
    expect(ids(await search({ q: `% enamel ${tag}` }))).toEqual(idsOf('percent'));
    // As a wildcard, % would match every product of this test.
    expect(ids(await search({ q: `%${tag}` }))).toEqual([]);
  });

  it('filters by a category including its descendants', async () => {
    expect(ids(await search({ categoryId: kitchen }))).toEqual(idsOf('pan', 'mug', 'cup', 'percent'));
    expect(ids(await search({ categoryId: mugs }))).toEqual(idsOf('mug', 'cup', 'percent'));
    expect(ids(await search({ categoryId: espresso }))).toEqual(idsOf('cup'));
    expect(ids(await search({ categoryId: garden }))).toEqual(idsOf('rake'));
  });

  it('filters by price in minor units, bounds included', async () => {
    expect(ids(await search({ q: tag, minPrice: 1_200, maxPrice: 2_500 }))).toEqual(idsOf('mug', 'percent', 'rake'));
    expect(ids(await search({ q: tag, maxPrice: 900 }))).toEqual(idsOf('cup'));
  });

  it.each([
    ['price', ['cup', 'percent', 'mug', 'rake', 'pan']],
    ['-price', ['pan', 'rake', 'mug', 'percent', 'cup']],
    ['name', ['percent', 'mug', 'cup', 'pan', 'rake']],
    ['-name', ['rake', 'pan', 'cup', 'mug', 'percent']],
    ['-createdAt', ['rake', 'percent', 'cup', 'mug', 'pan']],
  ])('sorts by %s', async (sort, order) => {
    const page = await search({ q: tag, sort });
    expect(page.items.map((item) => item.id)).toEqual(order.map((key) => made[key]?.id));
  });

  it('pages with limit and an opaque cursor, without duplicates or gaps while products are added', async () => {
    const own = randomUUID().slice(0, 8);
    const listed: string[] = [];
    for (const amount of [500, 100, 300, 300, 200, 400, 100]) {
      listed.push((await newProduct(garden, { name: `Pager ${own}`, price: { amount, currency: 'EUR' } })).id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Page = await search({ q: `pager ${own}`, sort: 'price', limit: 2, ...(cursor ? { cursor } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
      // Added meanwhile: one cheaper than anything listed so far, one tying with what was; neither may shift a page.
      await newProduct(garden, { name: `Pager ${own}`, price: { amount: 1, currency: 'EUR' } });
      await newProduct(garden, { name: `Pager ${own}`, price: { amount: 300, currency: 'EUR' } });
      pages++;
    } while (cursor && pages < 20);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(listed));
  }, 60_000);

  it('answers 400 for a limit out of 1..100, an unknown sort, or a cursor it did not issue', async () => {
    for (const query of ['limit=0', 'limit=101', 'sort=cheapest', 'cursor=not-a-cursor', 'minPrice=-1']) {
      const res = await get(`/api/products?${query}`);
      expect([query, res.status]).toEqual([query, 400]);
      expect(res.headers.get('content-type')).toMatch(problemType);
    }
    const res = await get('/api/products?cursor=not-a-cursor');
    const problem = (await json(res)) as { errors: Array<{ path: string }> };
    expect(problem.errors.map((error) => error.path)).toEqual(['query.cursor']);
    expect((await search({ limit: 100 })).items.length).toBeLessThanOrEqual(100);
  });

  it('defaults to 20 items a page', async () => {
    const extra = randomUUID().slice(0, 8);
    for (let i = 0; i < 21; i++) await newProduct(garden, { name: `Pot ${extra} ${i}` });
    const first = await search({ q: extra });
    expect(first.items).toHaveLength(20);
    expect(typeof first.nextCursor).toBe('string');
    const second = await search({ q: extra, cursor: first.nextCursor ?? '' });
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
  }, 60_000);
});

describe('the catalog OpenAPI document', () => {
  it('is served at /openapi/catalog.json', async () => {
    const doc = await expectStatus<{ openapi: string; paths: Record<string, unknown> }>(
      await get('/openapi/catalog.json'),
      200,
    );
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/products', '/api/products/{id}', '/api/categories']),
    );
  });
});
