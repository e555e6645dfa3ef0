import { randomUUID } from 'node:crypto';
import { json } from '@shop/testkit/src/listen';
import { inventoryService } from '../../src/service';
import { eventually, type RunningInventory, startInventory } from '../support/embedded-inventory';

let inventory: RunningInventory;
beforeAll(async () => {
  inventory = await startInventory({ LOW_STOCK_THRESHOLD: '3' });
});
afterAll(() => inventory.stop());

const problemType = /^application\/problem\+json/;

describe('GET /api/inventory/:productId', () => {
  it("answers anyone with the product's levels", async () => {
    const product = await inventory.productWithStock(12);
    const res = await inventory.request('GET', `/api/inventory/${product}`);
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ productId: product, onHand: 12, reserved: 0, available: 12 });
  });

  it('finds the item whatever the case of the id', async () => {
    const product = await inventory.productWithStock(3);
    expect(await inventory.levels(product.toUpperCase())).toEqual({
      productId: product,
      onHand: 3,
      reserved: 0,
      available: 3,
    });
  });

  it('answers 404 as a problem for a product it has no stock item for', async () => {
    const res = await inventory.request('GET', `/api/inventory/${randomUUID()}`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(problemType);
    expect(await json(res)).toMatchObject({ status: 404, title: 'Not Found' });
  });

  it('answers 400 naming the field for an id that is not a UUID', async () => {
    const res = await inventory.request('GET', '/api/inventory/not-a-uuid');
    expect(res.status).toBe(400);
    expect((await json(res)).errors).toEqual([expect.objectContaining({ path: 'params.productId' })]);
  });

  it('refuses a bad token with 401 even where no token is needed', async () => {
    const res = await inventory.request('GET', `/api/inventory/${randomUUID()}`, { token: 'not.a.token' });
    expect(res.status).toBe(401);
  });
});

describe('POST /api/inventory/:productId/adjustments', () => {
  const adjust = (product: string, body: unknown, token?: string, headers: Record<string, string> = {}) =>
    inventory.request('POST', `/api/inventory/${product}/adjustments`, {
      body,
      token: token ?? inventory.tokens.admin,
      headers,
    });

  it('lets an admin adjust on hand and answers the new levels', async () => {
    const product = await inventory.productWithStock(10);
    const res = await adjust(product, { delta: -4, reason: 'damaged' });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ productId: product, onHand: 6, reserved: 0, available: 6 });
    expect(await inventory.levels(product)).toEqual({ productId: product, onHand: 6, reserved: 0, available: 6 });
  });

  it('answers 401 without a token and 403 for a customer', async () => {
    const product = await inventory.productWithStock(1);
    const anonymous = await inventory.request('POST', `/api/inventory/${product}/adjustments`, {
      body: { delta: 1, reason: 'found' },
    });
    expect(anonymous.status).toBe(401);
    const customer = await adjust(product, { delta: 1, reason: 'found' }, inventory.tokens.customer);
    expect(customer.status).toBe(403);
    expect((await inventory.levels(product)).onHand).toBe(1);
  });

  it('answers 400 naming every bad field', async () => {
    const product = await inventory.productWithStock(1);
    const zero = await adjust(product, { delta: 0 });
    expect(zero.status).toBe(400);
    expect((await json(zero)).errors.map((error: { path: string }) => error.path).sort()).toEqual([
      'body.delta',
      'body.reason',
    ]);
    const fraction = await adjust(product, { delta: 1.5, reason: 'x' });
    expect((await json(fraction)).errors).toEqual([expect.objectContaining({ path: 'body.delta' })]);
    const huge = await adjust(product, { delta: 1e20, reason: 'x' });
    expect(huge.status).toBe(400);
    const badId = await adjust('nope', { delta: 1, reason: 'x' });
    expect((await json(badId)).errors).toEqual([expect.objectContaining({ path: 'params.productId' })]);
  });

  it('answers 409 when on hand would go below reserved', async () => {
    const product = await inventory.productWithStock(5);
    expect((await inventory.invoke('/internal/reservations', reservation(randomUUID(), product, 4))).status).toBe(201);
    const res = await adjust(product, { delta: -2, reason: 'count' });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toMatch(problemType);
    expect(await json(res)).toMatchObject({ status: 409, title: 'Stock would go below reserved' });
    expect(await inventory.levels(product)).toEqual({ productId: product, onHand: 5, reserved: 4, available: 1 });
  });

  it('answers 404 for a product it has no stock item for', async () => {
    const res = await adjust(randomUUID(), { delta: 1, reason: 'count' });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(problemType);
  });

  it('replays the first answer for a repeated Idempotency-Key and refuses the key with another body', async () => {
    const product = await inventory.productWithStock(10);
    const key = { 'idempotency-key': `adjust-${randomUUID()}` };
    const first = await adjust(product, { delta: 5, reason: 'delivery' }, undefined, key);
    const again = await adjust(product, { delta: 5, reason: 'delivery' }, undefined, key);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await json(again)).toEqual(await json(first));
    expect((await inventory.levels(product)).onHand).toBe(15);

    const other = await adjust(product, { delta: 6, reason: 'delivery' }, undefined, key);
    expect(other.status).toBe(409);
  });

  it('replays a refusal for a repeated Idempotency-Key as the same problem', async () => {
    const product = await inventory.productWithStock(1);
    const key = { 'idempotency-key': `adjust-${randomUUID()}` };
    const first = await adjust(product, { delta: -2, reason: 'count' }, undefined, key);
    const again = await adjust(product, { delta: -2, reason: 'count' }, undefined, key);
    expect([first.status, again.status]).toEqual([409, 409]);
    expect(again.headers.get('content-type')).toMatch(problemType);
    expect(await json(again)).toEqual(await json(first));
  });
});

describe('GET /api/inventory (admin list)', () => {
  it('pages through the items by product id and filters the low ones', async () => {
    const low = await inventory.productWithStock(2);
    const plenty = await inventory.productWithStock(50);

    const lowOnly = await json(
      await inventory.request('GET', '/api/inventory?lowStock=true&limit=100', { token: inventory.tokens.admin }),
    );
    const lowIds = lowOnly.items.map((item: { productId: string }) => item.productId);
    expect(lowIds).toContain(low);
    expect(lowIds).not.toContain(plenty);
    expect(lowOnly.items.every((item: { available: number }) => item.available <= 3)).toBe(true);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `limit=2&cursor=${cursor}` : 'limit=2';
      const page = await json(
        await inventory.request('GET', `/api/inventory?${query}`, { token: inventory.tokens.admin }),
      );
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((item: { productId: string }) => item.productId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining([low, plenty]));
  });

  it('answers 400 for a cursor it never issued and 403 for a customer', async () => {
    const bad = await inventory.request('GET', '/api/inventory?cursor=bm9wZQ', { token: inventory.tokens.admin });
    expect(bad.status).toBe(400);
    expect((await json(bad)).errors).toEqual([expect.objectContaining({ path: 'query.cursor' })]);
    const limit = await inventory.request('GET', '/api/inventory?limit=101', { token: inventory.tokens.admin });
    expect((await json(limit)).errors).toEqual([expect.objectContaining({ path: 'query.limit' })]);
    expect((await inventory.request('GET', '/api/inventory', { token: inventory.tokens.customer })).status).toBe(403);
  });
});

describe('reservations by service invocation', () => {
  it('reserves all lines once per order, and answers the same reservation again', async () => {
    const product = await inventory.productWithStock(5);
    const orderId = randomUUID();
    const first = await inventory.invoke('/internal/reservations', reservation(orderId, product, 2));
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ orderId, status: 'held', lines: [{ productId: product, quantity: 2 }] });
    const again = await inventory.invoke('/internal/reservations', reservation(orderId, product, 2));
    expect(again.status).toBe(200);
    expect((again.body as { id: string }).id).toBe((first.body as { id: string }).id);
    expect(await inventory.levels(product)).toEqual({ productId: product, onHand: 5, reserved: 2, available: 3 });
  });

  it('answers 409 naming the shortages when stock falls short', async () => {
    const product = await inventory.productWithStock(1);
    const res = await inventory.invoke('/internal/reservations', reservation(randomUUID(), product, 3));
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      status: 409,
      reason: 'insufficient-stock',
      shortages: [{ productId: product, requested: 3, available: 1 }],
    });
  });

  it('answers 400 naming bad lines', async () => {
    const res = await inventory.invoke('/internal/reservations', {
      orderId: randomUUID(),
      lines: [{ productId: 'x', quantity: 0 }],
    });
    expect(res.status).toBe(400);
    expect((res.body as { errors: { path: string }[] }).errors.map((error) => error.path).sort()).toEqual([
      'body.lines.0.productId',
      'body.lines.0.quantity',
    ]);
  });

  it('commits and releases idempotently', async () => {
    const product = await inventory.productWithStock(10);
    const paid = randomUUID();
    const cancelled = randomUUID();
    await inventory.invoke('/internal/reservations', reservation(paid, product, 3));
    await inventory.invoke('/internal/reservations', reservation(cancelled, product, 2));

    for (let i = 0; i < 2; i++) {
      const commit = await inventory.invoke(`/internal/reservations/${paid}/commit`);
      expect([commit.status, (commit.body as { status: string }).status]).toEqual([200, 'committed']);
      const release = await inventory.invoke(`/internal/reservations/${cancelled}/release`, {
        reason: 'order-cancelled',
      });
      expect([release.status, (release.body as { status: string }).status]).toEqual([200, 'released']);
    }
    expect(await inventory.levels(product)).toEqual({ productId: product, onHand: 7, reserved: 0, available: 7 });
    expect((await inventory.invoke(`/internal/reservations/${cancelled}/commit`)).status).toBe(409);
    expect((await inventory.invoke(`/internal/reservations/${randomUUID()}/commit`)).status).toBe(404);
    expect((await inventory.invoke(`/internal/reservations/${randomUUID()}/release`)).status).toBe(404);
  });

  it('releases a reservation by itself once its TTL has passed', async () => {
    const product = await inventory.productWithStock(4);
    const orderId = randomUUID();
    await inventory.invoke('/internal/reservations', { ...reservation(orderId, product, 4), ttlSeconds: 1 });
    expect((await inventory.levels(product)).available).toBe(0);

    await eventually(async () => expect(await inventory.levels(product)).toMatchObject({ reserved: 0, available: 4 }));
    const admin = await inventory.request('GET', `/api/inventory/reservations/${orderId}`, {
      token: inventory.tokens.admin,
    });
    expect(await json(admin)).toMatchObject({ orderId, status: 'expired', releaseReason: 'expired' });
    await eventually(() =>
      expect(inventory.events('inventory.stock-released')).toContainEqual(
        expect.objectContaining({ orderId, reason: 'expired' }),
      ),
    );
  });

  it('shows a reservation to admins only', async () => {
    const product = await inventory.productWithStock(4);
    const orderId = randomUUID();
    await inventory.invoke('/internal/reservations', reservation(orderId, product, 1));
    const path = `/api/inventory/reservations/${orderId}`;
    expect((await inventory.request('GET', path, { token: inventory.tokens.admin })).status).toBe(200);
    expect((await inventory.request('GET', path, { token: inventory.tokens.customer })).status).toBe(403);
    expect((await inventory.request('GET', path)).status).toBe(401);
    const unknown = `/api/inventory/reservations/${randomUUID()}`;
    expect((await inventory.request('GET', unknown, { token: inventory.tokens.admin })).status).toBe(404);
  });
});

describe('the service', () => {
  it('keeps its internal routes outside its public paths', async () => {
    expect(inventoryService.publicPaths).toEqual(['/api/inventory']);
    const doc = await json(await inventory.request('GET', '/openapi/inventory.json'));
    const paths = Object.keys(doc.paths);
    expect(paths).toEqual(
      expect.arrayContaining(['/api/inventory/{productId}', '/api/inventory/{productId}/adjustments']),
    );
    // Internal routes are reached by service invocation only: the published document lists the public API and the
    // kit's dead-letter administration, nothing else.
    for (const path of paths) {
      expect(path.startsWith('/api/inventory') || path.startsWith('/api/admin/dead-letters/inventory')).toBe(true);
    }
    expect(doc.paths['/api/inventory/{productId}/adjustments'].post.security).toEqual([{ bearer: [] }]);
  });

  it('is ready once its database answers', async () => {
    const res = await inventory.request('GET', '/readyz');
    expect(await json(res)).toEqual({ status: 'ready', checks: { 'inventory.database': 'ok' } });
  });
});

function reservation(orderId: string, productId: string, quantity: number) {
  return { orderId, lines: [{ productId, quantity }] };
}
