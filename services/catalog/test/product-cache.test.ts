import { randomUUID } from 'node:crypto';
import { type CatalogHarness, startCatalog } from './support/catalog-harness';

let h: CatalogHarness;
let categoryId: string;
const start = async (options: Parameters<typeof startCatalog>[0] = {}) => {
  h = await startCatalog(options);
  categoryId = (await h.given.category('Kitchen')).id;
};
afterEach(() => h.stop());

const body = (overrides: Record<string, unknown> = {}) => ({
  sku: `MUG-${randomUUID().slice(0, 8)}`,
  name: 'Blue mug',
  price: { amount: 1299, currency: 'EUR' },
  categoryId,
  ...overrides,
});

describe('the product cache', () => {
  beforeEach(() => start());

  it('answers a cached product with the database closed: a hit touches no database', async () => {
    const product = await h.given.product({ categoryId });
    const miss = await h.request('GET', `/api/products/${product.id}`);
    const cached = await h.expectStatus(miss, 200);
    await h.dataSource.destroy();

    const hit = await h.request('GET', `/api/products/${product.id}`);
    expect(hit.status).toBe(200);
    expect(hit.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(hit.headers.get('etag')).toBe(miss.headers.get('etag'));
    expect(await hit.json()).toEqual(cached);
    // The proof that the database is really gone: what is not cached fails.
    expect((await h.request('GET', '/api/products')).status).toBe(500);
  });

  it('shows a replaced product at once: the update invalidates the cached one', async () => {
    const product = await h.given.product({ categoryId });
    await h.expectStatus(await h.request('GET', `/api/products/${product.id}`), 200);
    await h.expectStatus(
      await h.request('PUT', `/api/products/${product.id}`, { as: 'admin', body: body({ name: 'Red mug' }) }),
      200,
    );
    expect((await h.expectStatus(await h.request('GET', `/api/products/${product.id}`), 200)).name).toBe('Red mug');
  });

  it('shows new stock at once: the stock projection invalidates the cached product', async () => {
    const product = await h.given.product({ categoryId, initialStock: 5 });
    await h.expectStatus(await h.request('GET', `/api/products/${product.id}`), 200);
    await h.stockChanged(product.id, 2);
    expect((await h.expectStatus(await h.request('GET', `/api/products/${product.id}`), 200)).stock).toBe(2);
  });

  it('reads the database when the state store fails', async () => {
    await h.stop();
    const failing = {
      get: async () => {
        throw new Error('redis is down');
      },
      getBulk: async () => {
        throw new Error('redis is down');
      },
      save: async () => {
        throw new Error('redis is down');
      },
      delete: async () => {
        throw new Error('redis is down');
      },
    };
    await start({ mesh: (mesh) => ({ ...mesh, state: failing }) });
    const product = await h.given.product({ categoryId });
    expect((await h.request('GET', `/api/products/${product.id}`)).status).toBe(200);
    expect((await h.request('PUT', `/api/products/${product.id}`, { as: 'admin', body: body() })).status).toBe(200);
  });
});

describe('without a cache (PRODUCT_CACHE_TTL_SECONDS=0)', () => {
  beforeEach(() => start({ cacheTtlSeconds: 0 }));

  it('reads every product from the database', async () => {
    const product = await h.given.product({ categoryId });
    await h.expectStatus(await h.request('GET', `/api/products/${product.id}`), 200);
    await h.dataSource.destroy();
    expect((await h.request('GET', `/api/products/${product.id}`)).status).toBe(500);
  });
});

describe('ETags', () => {
  beforeEach(() => start());

  it('sends a strong ETag and answers a matching If-None-Match with 304 and no body', async () => {
    const product = await h.given.product({ categoryId });
    const first = await h.request('GET', `/api/products/${product.id}`);
    const etag = first.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[^"]+"$/);
    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const res = await h.request('GET', `/api/products/${product.id}`, { headers: { 'if-none-match': ifNoneMatch } });
      expect(res.status).toBe(304);
      expect(res.headers.get('etag')).toBe(etag);
      expect(await res.text()).toBe('');
    }
    const stale = await h.request('GET', `/api/products/${product.id}`, { headers: { 'if-none-match': '"0-0"' } });
    expect(stale.status).toBe(200);
  });

  it('changes the ETag when the product or its stock changes, and only then', async () => {
    const product = await h.given.product({ categoryId });
    const etagNow = async () => (await h.request('GET', `/api/products/${product.id}`)).headers.get('etag');
    const initial = await etagNow();
    expect(await etagNow()).toBe(initial);
    await h.request('PUT', `/api/products/${product.id}`, { as: 'admin', body: body() });
    const afterUpdate = await etagNow();
    expect(afterUpdate).not.toBe(initial);
    await h.stockChanged(product.id, 3);
    const afterStock = await etagNow();
    expect(new Set([initial, afterUpdate, afterStock]).size).toBe(3);
  });

  it('applies a PUT whose If-Match is current, and refuses a stale one with a 412 problem', async () => {
    const product = await h.given.product({ categoryId });
    const etag = (await h.request('GET', `/api/products/${product.id}`)).headers.get('etag') ?? '';
    const first = await h.request('PUT', `/api/products/${product.id}`, {
      as: 'admin',
      body: body({ name: 'First' }),
      headers: { 'if-match': etag },
    });
    expect(first.status).toBe(200);
    const newEtag = first.headers.get('etag');
    expect(newEtag).not.toBe(etag);
    expect((await h.request('GET', `/api/products/${product.id}`)).headers.get('etag')).toBe(newEtag);

    const second = await h.request('PUT', `/api/products/${product.id}`, {
      as: 'admin',
      body: body({ name: 'Second' }),
      headers: { 'if-match': etag },
    });
    expect(second.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await h.expectStatus(second, 412)).toMatchObject({ status: 412, title: 'Precondition Failed' });
    expect((await h.expectStatus(await h.request('GET', `/api/products/${product.id}`), 200)).name).toBe('First');
    expect((await h.outbox()).filter((e) => e.topic === 'catalog.product-updated')).toHaveLength(1);
  });

  it('refuses a PUT whose If-Match names the product before a stock change', async () => {
    const product = await h.given.product({ categoryId });
    const etag = (await h.request('GET', `/api/products/${product.id}`)).headers.get('etag') ?? '';
    await h.stockChanged(product.id, 1);
    const res = await h.request('PUT', `/api/products/${product.id}`, {
      as: 'admin',
      body: body(),
      headers: { 'if-match': etag },
    });
    expect(res.status).toBe(412);
  });

  it('treats If-Match * as "exists", a weak or foreign tag as never matching, and no If-Match as unconditional', async () => {
    const product = await h.given.product({ categoryId });
    const put = (headers: Record<string, string>) =>
      h.request('PUT', `/api/products/${product.id}`, { as: 'admin', body: body(), headers });
    const etag = (await h.request('GET', `/api/products/${product.id}`)).headers.get('etag') ?? '';
    expect((await put({ 'if-match': `W/${etag}` })).status).toBe(412);
    expect((await put({ 'if-match': '"something-else"' })).status).toBe(412);
    expect((await put({ 'if-match': '*' })).status).toBe(200);
    expect((await put({})).status).toBe(200);
    const current = (await h.request('GET', `/api/products/${product.id}`)).headers.get('etag') ?? '';
    expect((await put({ 'if-match': `"0-0", ${current}` })).status).toBe(200);
    const missing = await h.request('PUT', `/api/products/${randomUUID()}`, {
      as: 'admin',
      body: body(),
      headers: { 'if-match': '*' },
    });
    expect(missing.status).toBe(404);
  });

  it('lets exactly one of two concurrent PUTs with the same If-Match win', async () => {
    const product = await h.given.product({ categoryId });
    const etag = (await h.request('GET', `/api/products/${product.id}`)).headers.get('etag') ?? '';
    const results = await Promise.all(
      ['A', 'B'].map((name) =>
        h.request('PUT', `/api/products/${product.id}`, {
          as: 'admin',
          body: body({ name }),
          headers: { 'if-match': etag },
        }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
  });
});

describe('reads answered ahead of the pipeline (the host’s ready reads)', () => {
  beforeEach(() => start());

  // What Node adds to any response, and the per-request ids, differ between two answers by nature.
  const comparable = (res: Response) =>
    [...res.headers.entries()]
      .filter(([name]) => !['date', 'x-request-id', 'traceparent', 'connection', 'keep-alive'].includes(name))
      .sort(([a], [b]) => a.localeCompare(b));
  const fromBoth = async (path: string, headers: Record<string, string> = {}) => {
    const ready = await fetch(`${h.url}${path}`, { headers });
    const pipeline = await fetch(`${h.pipelineOnlyUrl}${path}`, { headers });
    return { ready, pipeline };
  };

  it('answers a product with the status, headers and body the Koa route gives', async () => {
    const product = await h.given.product({ categoryId });
    for (const headers of [{}, { 'if-none-match': '"0-0"' }] as Array<Record<string, string>>) {
      const { ready, pipeline } = await fromBoth(`/api/products/${product.id}`, headers);
      expect(ready.status).toBe(200);
      expect(pipeline.status).toBe(200);
      expect(comparable(ready)).toEqual(comparable(pipeline));
      expect(await ready.text()).toBe(await pipeline.text());
    }
    const etag = (await h.request('GET', `/api/products/${product.id}`)).headers.get('etag') ?? '';
    const { ready, pipeline } = await fromBoth(`/api/products/${product.id}?ignored=1`, { 'if-none-match': etag });
    expect([ready.status, pipeline.status]).toEqual([304, 304]);
    expect(comparable(ready)).toEqual(comparable(pipeline));
    expect(await ready.text()).toBe('');
  });

  it('echoes a plain caller request id and continues the caller trace, as the pipeline does', async () => {
    const product = await h.given.product({ categoryId });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await h.request('GET', `/api/products/${product.id}`, {
      headers: { 'x-request-id': 'req-42', traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('req-42');
    expect(res.headers.get('traceparent')).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    const forged = await h.request('GET', `/api/products/${product.id}`, { headers: { 'x-request-id': 'a b;c' } });
    expect(forged.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('leaves credentials, unknown products and malformed ids to the route: 401, 404, 404 problems', async () => {
    const product = await h.given.product({ categoryId });
    const badToken = await h.request('GET', `/api/products/${product.id}`, { as: { token: 'not-a-jwt' } });
    expect(badToken.status).toBe(401);
    expect(badToken.headers.get('content-type')).toContain('application/problem+json');
    for (const path of [`/api/products/${randomUUID()}`, '/api/products/not-an-id']) {
      const { ready, pipeline } = await fromBoth(path);
      expect(ready.status).toBe(pipeline.status);
      expect(ready.headers.get('content-type')).toContain('application/problem+json');
      expect(await ready.json()).toEqual(await pipeline.json());
    }
  });

  it('counts its answers in the request metrics under the route pattern', async () => {
    const product = await h.given.product({ categoryId });
    for (let i = 0; i < 3; i++) await h.expectStatus(await h.request('GET', `/api/products/${product.id}`), 200);
    const text = await h.metrics.metrics();
    const count = text
      .split('\n')
      .find(
        (line) =>
          line.startsWith('http_server_request_duration_seconds_count{') &&
          line.includes('route="/api/products/:id"') &&
          line.includes('status="200"'),
      );
    expect(Number(count?.split(' ').pop())).toBeGreaterThanOrEqual(3);
  });
});
