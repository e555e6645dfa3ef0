import { randomUUID } from 'node:crypto';
import type { ServiceManifest } from '@shop/kit';
import { type FixturePlatform, startWithFixtureIdentity } from '@shop/testkit/src/embedded-with-fixture';
import { signToken } from '@shop/testkit/src/jwt-fixture';
import { json } from '@shop/testkit/src/listen';
import { changeCart } from '../src/application/change-cart';
import type { CheckoutDeps } from '../src/application/checkout';
import { type CartDeps, DependencyUnavailableError, type ProductFacts } from '../src/application/ports';
import { customerCartId } from '../src/domain/cart';
import { cartApi } from '../src/http/cart-api';
import { cartMetricsIn } from '../src/infrastructure/cart-metrics';
import { meshCartEvents } from '../src/infrastructure/mesh-cart-events';
import { meshOrders } from '../src/infrastructure/mesh-orders';
import { StateCartStore } from '../src/infrastructure/state-cart-store';
import { stateCheckoutRecords } from '../src/infrastructure/state-checkout-records';

// The routes as the host serves them (auth, validation, problem documents, OpenAPI), on the real state-backed cart
// store, with the product facts port filled in this test: each test says what the catalog and inventory know.
const facts = new Map<string, ProductFacts>();
let productsUnavailable = false;
const inTestProducts = {
  async describe(ids: string[]) {
    if (productsUnavailable) throw new DependencyUnavailableError('catalog', 'not answering (test)');
    return new Map(ids.flatMap((id) => (facts.has(id) ? [[id, facts.get(id) as ProductFacts] as const] : [])));
  },
};

let deps: (CartDeps & CheckoutDeps) | undefined;
const cartUnderTest: ServiceManifest = {
  name: 'cart',
  publicPaths: ['/api/cart', '/api/carts'],
  async setup({ mesh, metrics, log, authenticate }) {
    const guestCartTtlSeconds = 30 * 86_400;
    deps = {
      carts: new StateCartStore(mesh.state, { guestCartTtlSeconds }),
      products: inTestProducts,
      metrics: cartMetricsIn(metrics),
      clock: { now: () => new Date() },
      guestCartTtlSeconds,
      checkoutLeaseSeconds: 60,
      // The checkout's own ports (test/checkout.test.ts and checkout.int.test.ts drive them with orders there).
      orders: meshOrders(mesh, log),
      records: stateCheckoutRecords(mesh.state, { ttlHours: 24 }),
      events: meshCartEvents(mesh),
    };
    return cartApi(deps, authenticate);
  },
};

let fixture: FixturePlatform;
let url: string;

beforeAll(async () => {
  fixture = await startWithFixtureIdentity([cartUnderTest], { name: 'cart-routes' });
  url = fixture.platform.url;
}, 30_000);
afterAll(() => fixture?.stop());
beforeEach(() => {
  productsUnavailable = false;
});

function product(overrides: Partial<ProductFacts> = {}): string {
  const productId = randomUUID();
  facts.set(productId, {
    productId,
    sku: `SKU-${productId.slice(0, 8)}`,
    name: 'A product',
    price: { amount: 1_250, currency: 'EUR' },
    status: 'active',
    available: 10,
    ...overrides,
  });
  return productId;
}

const customerToken = (customerId: string = randomUUID()) => signToken(fixture.key, {}, { subject: customerId });
const adminToken = () => signToken(fixture.key, { roles: ['admin'] }, { subject: randomUUID() });

interface Call {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

function call(method: string, path: string, { token, body, headers = {} }: Call = {}): Promise<Response> {
  return fetch(`${url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function expectProblem(res: Response, status: number, paths: string[] = []) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  const body = await json(res);
  expect(body.status).toBe(status);
  expect((body.errors ?? []).map((error: { path: string }) => error.path)).toEqual(paths);
  return body;
}

const strongEtag = /^"[A-Za-z0-9_-]+"$/;

describe("the customer's cart", () => {
  it('needs a customer token: none is 401, an admin 403', async () => {
    await expectProblem(await call('GET', '/api/cart'), 401);
    await expectProblem(await call('GET', '/api/cart', { token: adminToken() }), 403);
    await expectProblem(await call('PUT', `/api/cart/items/${product()}`, { body: { quantity: 1 } }), 401);
  });

  it('answers an empty cart with the ETag "empty" before anything is put in it', async () => {
    const customerId = randomUUID();
    const res = await call('GET', '/api/cart', { token: customerToken(customerId) });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"empty"');
    expect(res.headers.get('cache-control')).toBe('private, no-cache');
    expect(await json(res)).toEqual({
      id: customerCartId(customerId),
      items: [],
      total: { amount: 0, currency: 'EUR' },
      itemCount: 0,
      updatedAt: expect.any(String),
    });
  });

  it('puts a product in at a quantity and answers the cart with live facts and a strong ETag', async () => {
    const token = customerToken();
    const productId = product({ name: 'Kettle', price: { amount: 2_999, currency: 'EUR' }, available: 4 });
    const put = await call('PUT', `/api/cart/items/${productId}`, { token, body: { quantity: 3 } });
    expect(put.status).toBe(200);
    const etag = put.headers.get('etag') ?? '';
    expect(etag).toMatch(strongEtag);
    expect(await json(put)).toMatchObject({
      items: [
        {
          productId,
          name: 'Kettle',
          quantity: 3,
          unitPrice: { amount: 2_999, currency: 'EUR' },
          lineTotal: { amount: 8_997, currency: 'EUR' },
          available: 4,
          status: 'active',
        },
      ],
      total: { amount: 8_997, currency: 'EUR' },
      itemCount: 3,
    });

    // A price change shows on the next read, with the same ETag (the cart itself did not change).
    facts.set(productId, { ...(facts.get(productId) as ProductFacts), price: { amount: 2_500, currency: 'EUR' } });
    const read = await call('GET', '/api/cart', { token });
    expect(read.headers.get('etag')).toBe(etag);
    expect((await json(read)).total).toEqual({ amount: 7_500, currency: 'EUR' });
    expect((await call('GET', '/api/cart', { token, headers: { 'if-none-match': etag } })).status).toBe(304);
  });

  it('names every bad field: productId not a UUID, quantity not an integer from 1 to 99', async () => {
    const token = customerToken();
    await expectProblem(await call('PUT', '/api/cart/items/not-a-uuid', { token, body: { quantity: 1 } }), 400, [
      'params.productId',
    ]);
    for (const quantity of [0, 100, 1.5, -3, 'many', null]) {
      await expectProblem(await call('PUT', `/api/cart/items/${product()}`, { token, body: { quantity } }), 400, [
        'body.quantity',
      ]);
    }
    await expectProblem(await call('PUT', `/api/cart/items/${product()}`, { token, body: {} }), 400, ['body.quantity']);
    await expectProblem(await call('PUT', '/api/cart/items/nope', { token, body: { quantity: 0 } }), 400, [
      'params.productId',
      'body.quantity',
    ]);
    await expectProblem(await call('DELETE', '/api/cart/items/nope', { token }), 400, ['params.productId']);
  });

  it('refuses an unknown or archived product (404) and more than is available (409 naming body.quantity)', async () => {
    const token = customerToken();
    await expectProblem(await call('PUT', `/api/cart/items/${randomUUID()}`, { token, body: { quantity: 1 } }), 404, [
      'params.productId',
    ]);
    const archived = product({ status: 'archived' });
    await expectProblem(await call('PUT', `/api/cart/items/${archived}`, { token, body: { quantity: 1 } }), 404, [
      'params.productId',
    ]);
    const scarce = product({ available: 2 });
    await expectProblem(await call('PUT', `/api/cart/items/${scarce}`, { token, body: { quantity: 3 } }), 409, [
      'body.quantity',
    ]);
    expect((await call('PUT', `/api/cart/items/${scarce}`, { token, body: { quantity: 2 } })).status).toBe(200);
  });

  it('shows an archived line as unavailable', async () => {
    const token = customerToken();
    const productId = product();
    await call('PUT', `/api/cart/items/${productId}`, { token, body: { quantity: 1 } });
    facts.set(productId, { ...(facts.get(productId) as ProductFacts), status: 'archived' });
    const body = await json(await call('GET', '/api/cart', { token }));
    expect(body.items).toEqual([expect.objectContaining({ productId, status: 'archived', available: 0 })]);
  });

  it('checks If-Match on every write: a stale ETag is 412 and changes nothing', async () => {
    const token = customerToken();
    const [a, b] = [product(), product()];
    const first = await call('PUT', `/api/cart/items/${a}`, {
      token,
      body: { quantity: 1 },
      headers: { 'if-match': '"empty"' },
    });
    expect(first.status).toBe(200);
    const stale = first.headers.get('etag') ?? '';
    const second = await call('PUT', `/api/cart/items/${a}`, {
      token,
      body: { quantity: 2 },
      headers: { 'if-match': stale },
    });
    expect(second.status).toBe(200);
    const current = second.headers.get('etag') ?? '';
    await expectProblem(
      await call('PUT', `/api/cart/items/${b}`, { token, body: { quantity: 1 }, headers: { 'if-match': stale } }),
      412,
    );
    await expectProblem(await call('DELETE', `/api/cart/items/${a}`, { token, headers: { 'if-match': stale } }), 412);
    await expectProblem(await call('DELETE', '/api/cart', { token, headers: { 'if-match': stale } }), 412);
    const read = await call('GET', '/api/cart', { token });
    expect(read.headers.get('etag')).toBe(current);
    expect((await json(read)).items).toEqual([expect.objectContaining({ productId: a, quantity: 2 })]);
  });

  it('takes a line out (a product not in the cart changes nothing), and empties the cart (204)', async () => {
    const token = customerToken();
    const [a, b] = [product(), product()];
    await call('PUT', `/api/cart/items/${a}`, { token, body: { quantity: 1 } });
    const withB = await call('PUT', `/api/cart/items/${b}`, { token, body: { quantity: 2 } });
    const removed = await call('DELETE', `/api/cart/items/${a}`, { token });
    expect(removed.status).toBe(200);
    expect((await json(removed)).items.map((item: { productId: string }) => item.productId)).toEqual([b]);
    const etag = removed.headers.get('etag');
    expect(etag).not.toBe(withB.headers.get('etag'));
    const again = await call('DELETE', `/api/cart/items/${a}`, { token });
    expect(again.headers.get('etag')).toBe(etag);

    const emptied = await call('DELETE', '/api/cart', { token });
    expect(emptied.status).toBe(204);
    expect(await json(await call('GET', '/api/cart', { token }))).toMatchObject({ items: [], itemCount: 0 });
  });

  it("never shows or changes another customer's cart", async () => {
    const [ada, bob] = [randomUUID(), randomUUID()];
    const productId = product();
    await call('PUT', `/api/cart/items/${productId}`, { token: customerToken(ada), body: { quantity: 2 } });
    expect((await json(await call('GET', '/api/cart', { token: customerToken(bob) }))).items).toEqual([]);
    await call('DELETE', '/api/cart', { token: customerToken(bob) });
    expect((await json(await call('GET', '/api/cart', { token: customerToken(ada) }))).itemCount).toBe(2);
    // A customer's cart id is no guest cart id: the guest routes never reach it.
    await expectProblem(await call('GET', `/api/carts/${customerCartId(ada)}`), 404);
    await expectProblem(
      await call('PUT', `/api/carts/${customerCartId(ada)}/items/${productId}`, { body: { quantity: 1 } }),
      404,
    );
  });

  it('refuses writes while a checkout holds the cart (409)', async () => {
    const customerId = randomUUID();
    const token = customerToken(customerId);
    const productId = product();
    await call('PUT', `/api/cart/items/${productId}`, { token, body: { quantity: 1 } });
    await changeCart(
      { log: fixture.platform.log },
      {
        ref: { kind: 'customer', customerId },
        operation: 'checkout',
        change: (cart, now) =>
          cart && {
            ...cart,
            checkout: {
              idempotencyKey: 'k',
              requestHash: 'h',
              orderId: randomUUID(),
              expiresAt: new Date(now.getTime() + 60_000).toISOString(),
            },
          },
      },
      deps as CartDeps,
    );
    await expectProblem(await call('PUT', `/api/cart/items/${productId}`, { token, body: { quantity: 2 } }), 409);
    await expectProblem(await call('DELETE', '/api/cart', { token }), 409);
    expect((await call('GET', '/api/cart', { token })).status).toBe(200);
  });

  it('answers 503 with Retry-After when the product facts cannot be had, never a cart without prices', async () => {
    const token = customerToken();
    await call('PUT', `/api/cart/items/${product()}`, { token, body: { quantity: 1 } });
    productsUnavailable = true;
    const res = await call('GET', '/api/cart', { token });
    await expectProblem(res, 503);
    expect(res.headers.get('retry-after')).toBe('1');
  });
});

describe('guest carts', () => {
  async function openGuestCart(): Promise<{ id: string; etag: string }> {
    const res = await call('POST', '/api/carts');
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(res.headers.get('location')).toBe(`/api/carts/${body.id}`);
    return { id: body.id, etag: res.headers.get('etag') ?? '' };
  }

  it('opens one for anyone (201): an empty cart with a 128-bit id, its Location, ETag and expiry', async () => {
    const before = Date.now();
    const res = await call('POST', '/api/carts');
    expect(res.status).toBe(201);
    expect(res.headers.get('etag')).toMatch(strongEtag);
    const body = await json(res);
    expect(body).toMatchObject({ items: [], itemCount: 0, total: { amount: 0, currency: 'EUR' } });
    expect(body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    // 30 days after its last change by default.
    expect(Date.parse(body.expiresAt) - before).toBeGreaterThanOrEqual(30 * 86_400_000 - 1_000);
    expect((await openGuestCart()).id).not.toBe(body.id);
  });

  it('is read and written by whoever holds the id, with ETags and If-Match', async () => {
    const { id, etag } = await openGuestCart();
    const productId = product();
    const put = await call('PUT', `/api/carts/${id}/items/${productId}`, {
      body: { quantity: 2 },
      headers: { 'if-match': etag },
    });
    expect(put.status).toBe(200);
    expect((await json(put)).items).toEqual([expect.objectContaining({ productId, quantity: 2 })]);
    await expectProblem(
      await call('PUT', `/api/carts/${id}/items/${productId}`, {
        body: { quantity: 5 },
        headers: { 'if-match': etag },
      }),
      412,
    );
    // Its id in capitals names the same cart; a signed-in customer may use it too.
    const read = await call('GET', `/api/carts/${id.toUpperCase()}`, { token: customerToken() });
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe(put.headers.get('etag'));
    const removed = await call('DELETE', `/api/carts/${id}/items/${productId}`);
    expect((await json(removed)).items).toEqual([]);
  });

  it('answers 404 for an unknown or malformed id, on every route', async () => {
    const productId = product();
    for (const id of [randomUUID(), 'not-a-cart', '0'.repeat(200)]) {
      await expectProblem(await call('GET', `/api/carts/${id}`), 404);
      await expectProblem(await call('DELETE', `/api/carts/${id}`), 404);
      await expectProblem(await call('PUT', `/api/carts/${id}/items/${productId}`, { body: { quantity: 1 } }), 404);
      await expectProblem(await call('DELETE', `/api/carts/${id}/items/${productId}`), 404);
    }
  });

  it('validates the line like the customer routes', async () => {
    const { id } = await openGuestCart();
    await expectProblem(await call('PUT', `/api/carts/${id}/items/x`, { body: { quantity: 100 } }), 400, [
      'params.productId',
      'body.quantity',
    ]);
  });

  it('is gone once deleted (204)', async () => {
    const { id } = await openGuestCart();
    expect((await call('DELETE', `/api/carts/${id}`)).status).toBe(204);
    await expectProblem(await call('GET', `/api/carts/${id}`), 404);
  });

  it("merges into the customer's cart (quantities summed, capped at 99) and is gone; a second merge is 404", async () => {
    const token = customerToken();
    const [a, b] = [product({ available: 500 }), product({ available: 500 })];
    await call('PUT', `/api/cart/items/${a}`, { token, body: { quantity: 90 } });
    const { id } = await openGuestCart();
    await call('PUT', `/api/carts/${id}/items/${a}`, { body: { quantity: 20 } });
    await call('PUT', `/api/carts/${id}/items/${b}`, { body: { quantity: 1 } });

    await expectProblem(await call('POST', '/api/cart/merge', { body: { cartId: id } }), 401);
    const merged = await call('POST', '/api/cart/merge', { token, body: { cartId: id } });
    expect(merged.status).toBe(200);
    expect(merged.headers.get('etag')).toMatch(strongEtag);
    expect((await json(merged)).items).toEqual([
      expect.objectContaining({ productId: a, quantity: 99 }),
      expect.objectContaining({ productId: b, quantity: 1 }),
    ]);
    await expectProblem(await call('GET', `/api/carts/${id}`), 404);
    await expectProblem(await call('POST', '/api/cart/merge', { token, body: { cartId: id } }), 404);
  });

  it('refuses a merge of an unknown or malformed id (404) and a body without cartId (400)', async () => {
    const token = customerToken();
    await expectProblem(await call('POST', '/api/cart/merge', { token, body: { cartId: randomUUID() } }), 404);
    await expectProblem(await call('POST', '/api/cart/merge', { token, body: { cartId: 'nope' } }), 404);
    await expectProblem(await call('POST', '/api/cart/merge', { token, body: {} }), 400, ['body.cartId']);
    await expectProblem(await call('POST', '/api/cart/merge', { token, body: { cartId: 7 } }), 400, ['body.cartId']);
  });
});

describe('the service document and metrics', () => {
  it('describes every route in OpenAPI with who may call it', async () => {
    const document = await json(await fetch(`${url}/openapi/cart.json`));
    const operations = Object.entries(document.paths as Record<string, Record<string, { 'x-access': string }>>).flatMap(
      ([path, methods]) =>
        Object.entries(methods).map(
          ([method, operation]) => `${method.toUpperCase()} ${path} ${operation['x-access']}`,
        ),
    );
    expect(operations.sort()).toEqual(
      [
        'GET /api/cart customer',
        'DELETE /api/cart customer',
        'PUT /api/cart/items/{productId} customer',
        'DELETE /api/cart/items/{productId} customer',
        'POST /api/cart/merge customer',
        'POST /api/cart/checkout customer',
        'POST /api/carts anyone',
        'GET /api/carts/{cartId} anyone',
        'DELETE /api/carts/{cartId} anyone',
        'PUT /api/carts/{cartId}/items/{productId} anyone',
        'DELETE /api/carts/{cartId}/items/{productId} anyone',
      ].sort(),
    );
    const checkout = document.paths['/api/cart/checkout'].post;
    expect(checkout.requestBody.content['application/json'].schema.required).toEqual(['shippingAddress', 'payment']);
    expect(checkout.parameters).toEqual([expect.objectContaining({ name: 'idempotency-key', in: 'header' })]);
    expect(Object.keys(checkout.responses)).toEqual(expect.arrayContaining(['202', '400', '409', '503']));
    const put = document.paths['/api/cart/items/{productId}'].put;
    expect(put.requestBody.content['application/json'].schema.properties.quantity).toMatchObject({
      type: 'integer',
      minimum: 1,
      maximum: 99,
    });
  });

  it('counts cart writes by operation and conflicts retried', async () => {
    const token = customerToken();
    const products = Array.from({ length: 10 }, () => product());
    await Promise.all(products.map((id) => call('PUT', `/api/cart/items/${id}`, { token, body: { quantity: 1 } })));
    expect((await json(await call('GET', '/api/cart', { token }))).itemCount).toBe(10);
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toMatch(/^cart_writes_total\{operation="set-line"[^}]*\} \d+/m);
    expect(text).toMatch(/^cart_conflicts_retried_total(\{[^}]*\})? \d+/m);
  });
});
