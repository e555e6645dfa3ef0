import { randomUUID } from 'node:crypto';
import { type CatalogHarness, startCatalog } from './support/catalog-harness';

let h: CatalogHarness;
beforeEach(async () => {
  h = await startCatalog();
});
afterEach(() => h.stop());

describe('the category tree', () => {
  it('lists roots at the top with their children nested, siblings by name', async () => {
    const garden = await h.given.category('Garden');
    const kitchen = await h.given.category('Kitchen');
    const mugs = await h.given.category('mugs', kitchen.id);
    const cups = await h.given.category('Cups', kitchen.id);
    const espresso = await h.given.category('Espresso cups', cups.id);

    const tree = await h.expectStatus(await h.request('GET', '/api/categories'), 200);

    expect(tree).toEqual([
      { id: garden.id, name: 'Garden', parentId: null, children: [] },
      {
        id: kitchen.id,
        name: 'Kitchen',
        parentId: null,
        children: [
          {
            id: cups.id,
            name: 'Cups',
            parentId: kitchen.id,
            children: [{ id: espresso.id, name: 'Espresso cups', parentId: cups.id, children: [] }],
          },
          { id: mugs.id, name: 'mugs', parentId: kitchen.id, children: [] },
        ],
      },
    ]);
  });

  it('creates a category as {id, name, parentId}', async () => {
    const res = await h.request('POST', '/api/categories', { as: 'admin', body: { name: '  Kitchen ' } });
    const body = await h.expectStatus(res, 201);
    expect(body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: 'Kitchen', parentId: null });
    expect(res.headers.get('location')).toBe(`/api/categories/${body.id}`);
  });

  it('refuses an unknown parent with 400 naming body.parentId', async () => {
    const res = await h.request('POST', '/api/categories', {
      as: 'admin',
      body: { name: 'Orphan', parentId: randomUUID() },
    });
    const problem = await h.expectStatus(res, 400);
    expect(problem.errors).toEqual([{ path: 'body.parentId', message: expect.any(String) }]);
  });

  it('names every bad field of a category', async () => {
    const res = await h.request('POST', '/api/categories', {
      as: 'admin',
      body: { name: '', parentId: 'nope', colour: 'red' },
    });
    const problem = await h.expectStatus(res, 400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(problem.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'body.colour',
      'body.name',
      'body.parentId',
    ]);
  });

  it('lets only admins change the tree: 401 without a token, 403 for a customer', async () => {
    const kitchen = await h.given.category('Kitchen');
    for (const [method, path, body] of [
      ['POST', '/api/categories', { name: 'X' }],
      ['PATCH', `/api/categories/${kitchen.id}`, { name: 'X' }],
      ['DELETE', `/api/categories/${kitchen.id}`, undefined],
    ] as const) {
      expect((await h.request(method, path, { body })).status).toBe(401);
      expect((await h.request(method, path, { body, as: 'customer' })).status).toBe(403);
    }
    // Authorization comes before validation: an anonymous caller learns nothing about the body rules.
    expect((await h.request('POST', '/api/categories', { body: {} })).status).toBe(401);
  });

  it('renames a category', async () => {
    const kitchen = await h.given.category('Kitchen');
    const res = await h.request('PATCH', `/api/categories/${kitchen.id}`, { as: 'admin', body: { name: 'Cooking' } });
    expect(await h.expectStatus(res, 200)).toEqual({ id: kitchen.id, name: 'Cooking', parentId: null });
  });

  it('moves a category under another and back to the top level', async () => {
    const kitchen = await h.given.category('Kitchen');
    const mugs = await h.given.category('Mugs');
    const moved = await h.request('PATCH', `/api/categories/${mugs.id}`, {
      as: 'admin',
      body: { parentId: kitchen.id },
    });
    expect(await h.expectStatus(moved, 200)).toEqual({ id: mugs.id, name: 'Mugs', parentId: kitchen.id });
    const tree = await h.expectStatus(await h.request('GET', '/api/categories'), 200);
    expect(tree).toHaveLength(1);
    expect(tree[0].children.map((c: { id: string }) => c.id)).toEqual([mugs.id]);

    const back = await h.request('PATCH', `/api/categories/${mugs.id}`, { as: 'admin', body: { parentId: null } });
    expect((await h.expectStatus(back, 200)).parentId).toBeNull();
  });

  it('refuses to move a category under itself or any of its descendants (409), leaving the tree as it was', async () => {
    const a = await h.given.category('A');
    const b = await h.given.category('B', a.id);
    const c = await h.given.category('C', b.id);
    for (const target of [a.id, b.id, c.id]) {
      const res = await h.request('PATCH', `/api/categories/${a.id}`, { as: 'admin', body: { parentId: target } });
      const problem = await h.expectStatus(res, 409);
      expect(problem.errors[0].path).toBe('body.parentId');
    }
    const tree = await h.expectStatus(await h.request('GET', '/api/categories'), 200);
    expect(tree).toEqual([
      expect.objectContaining({
        id: a.id,
        children: [expect.objectContaining({ id: b.id, children: [expect.objectContaining({ id: c.id })] })],
      }),
    ]);
  });

  it('refuses concurrent moves that would together close a cycle', async () => {
    const a = await h.given.category('A');
    const b = await h.given.category('B');
    const results = await Promise.all([
      h.request('PATCH', `/api/categories/${a.id}`, { as: 'admin', body: { parentId: b.id } }),
      h.request('PATCH', `/api/categories/${b.id}`, { as: 'admin', body: { parentId: a.id } }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
  });

  it('moving under an unknown category is 400 naming body.parentId', async () => {
    const a = await h.given.category('A');
    const res = await h.request('PATCH', `/api/categories/${a.id}`, { as: 'admin', body: { parentId: randomUUID() } });
    expect((await h.expectStatus(res, 400)).errors).toEqual([{ path: 'body.parentId', message: expect.any(String) }]);
  });

  it('refuses an empty change', async () => {
    const a = await h.given.category('A');
    expect((await h.request('PATCH', `/api/categories/${a.id}`, { as: 'admin', body: {} })).status).toBe(400);
  });

  it('answers 404 for a category that does not exist', async () => {
    for (const id of [randomUUID(), 'not-an-id']) {
      expect((await h.request('PATCH', `/api/categories/${id}`, { as: 'admin', body: { name: 'X' } })).status).toBe(
        404,
      );
      expect((await h.request('DELETE', `/api/categories/${id}`, { as: 'admin' })).status).toBe(404);
    }
  });

  it('deletes an empty category (204) and refuses one with children or products (409)', async () => {
    const kitchen = await h.given.category('Kitchen');
    const mugs = await h.given.category('Mugs', kitchen.id);
    const cups = await h.given.category('Cups');
    await h.given.product({ categoryId: cups.id });

    const withChild = await h.request('DELETE', `/api/categories/${kitchen.id}`, { as: 'admin' });
    expect((await h.expectStatus(withChild, 409)).detail).toMatch(/child categories/);
    const withProduct = await h.request('DELETE', `/api/categories/${cups.id}`, { as: 'admin' });
    expect((await h.expectStatus(withProduct, 409)).detail).toMatch(/1 product/);

    expect((await h.request('DELETE', `/api/categories/${mugs.id}`, { as: 'admin' })).status).toBe(204);
    expect((await h.request('DELETE', `/api/categories/${kitchen.id}`, { as: 'admin' })).status).toBe(204);
    const tree = await h.expectStatus(await h.request('GET', '/api/categories'), 200);
    expect(tree.map((c: { id: string }) => c.id)).toEqual([cups.id]);
  });

  it('keeps a category whose only products are archived: orders still refer to them', async () => {
    const cups = await h.given.category('Cups');
    const product = await h.given.product({ categoryId: cups.id });
    expect((await h.request('DELETE', `/api/products/${product.id}`, { as: 'admin' })).status).toBe(204);
    expect((await h.request('DELETE', `/api/categories/${cups.id}`, { as: 'admin' })).status).toBe(409);
  });
});
