import { randomUUID } from 'node:crypto';
import { json } from '@shop/testkit/src/listen';
import { rawRequest } from '@shop/testkit/src/raw-http';
import { adminToken, bearer, newCustomer, postJson, type TestCustomer } from './support/accounts';
import { baseUrl } from './support/base-url';
import { eventually } from './support/eventually';
import { get, orderReaching, payment, productWithStock, shippingAddress } from './support/shop';

/** One request to the origin; a JSON body when one is given. */
async function send(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(`${baseUrl()}${path}`, {
    method,
    headers: {
      ...(options.token ? bearer(options.token) : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
}

/** The problem document's named fields. */
async function errorPaths(res: Response): Promise<string[]> {
  const body = await json(res);
  return ((body.errors ?? []) as Array<{ path: string }>).map((error) => error.path);
}

/** A customer's cart (token) or a guest's (its id), addressed the same way by every test below. */
interface CartOwner {
  label: string;
  base: string;
  token?: string;
}

const customerCart = (customer: TestCustomer): CartOwner => ({
  label: 'customer',
  base: '/api/cart',
  token: customer.accessToken,
});

async function newGuestCart(): Promise<CartOwner & { id: string }> {
  const res = await send('POST', '/api/carts');
  expect(res.status).toBe(201);
  const cart = await json(res);
  expect(cart.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  return { label: 'guest', base: `/api/carts/${cart.id}`, id: cart.id };
}

const putLine = (owner: CartOwner, productId: string, quantity: unknown, headers: Record<string, string> = {}) =>
  send('PUT', `${owner.base}/items/${productId}`, { token: owner.token, body: { quantity }, headers });
const deleteLine = (owner: CartOwner, productId: string, headers: Record<string, string> = {}) =>
  send('DELETE', `${owner.base}/items/${productId}`, { token: owner.token, headers });
const readCart = (owner: CartOwner) => send('GET', owner.base, { token: owner.token });

async function cartOf(owner: CartOwner) {
  const res = await readCart(owner);
  expect(res.status).toBe(200);
  return json(res);
}

async function checkout(customer: TestCustomer, key: string, card?: string): Promise<Response> {
  return send('POST', '/api/cart/checkout', {
    token: customer.accessToken,
    body: { shippingAddress, payment: payment(card) },
    headers: { 'idempotency-key': key },
  });
}

async function ordersOf(customer: TestCustomer): Promise<Array<{ id: string }>> {
  return (await json(await get('/api/orders?limit=100', customer.accessToken))).items;
}

/** Replaces a product's price through the catalog (PUT takes the whole product). */
async function changePrice(productId: string, amount: number): Promise<void> {
  const admin = await adminToken();
  const product = await json(await get(`/api/products/${productId}`));
  const res = await send('PUT', `/api/products/${productId}`, {
    token: admin,
    body: {
      sku: product.sku,
      name: product.name,
      description: product.description,
      price: { amount, currency: product.price.currency },
      categoryId: product.categoryId,
    },
  });
  expect(res.status).toBe(200);
}

async function archive(productId: string): Promise<void> {
  const res = await send('DELETE', `/api/products/${productId}`, { token: await adminToken() });
  expect(res.status).toBe(204);
}

const strongEtag = /^"[^"]+"$/;

describe('cart and checkout (CONTRACT.md)', () => {
  describe.each(['customer', 'guest'])('a %s cart', (kind) => {
    const ownerOf = async (): Promise<CartOwner> =>
      kind === 'customer' ? customerCart(await newCustomer()) : newGuestCart();

    it('is read, filled, changed and emptied line by line, at the catalog price, with a strong ETag', async () => {
      const owner = await ownerOf();
      const [telescope, sextant] = await Promise.all([productWithStock(10, 1250), productWithStock(5, 399)]);
      const empty = await readCart(owner);
      expect(empty.status).toBe(200);
      expect(empty.headers.get('etag')).toMatch(strongEtag);
      const emptyCart = await json(empty);
      expect(emptyCart).toEqual(
        expect.objectContaining({
          id: expect.any(String),
          items: [],
          itemCount: 0,
          total: { amount: 0, currency: 'EUR' },
        }),
      );
      // A customer's cart not yet written has no update time (null); a guest cart was written when created.
      expect('updatedAt' in emptyCart).toBe(true);
      if (kind === 'guest') expect(Date.parse(emptyCart.expiresAt)).toBeGreaterThan(Date.now());

      expect((await putLine(owner, telescope, 2)).status).toBe(200);
      const added = await putLine(owner, sextant, 3);
      expect(added.status).toBe(200);
      expect(added.headers.get('etag')).toMatch(strongEtag);
      expect(added.headers.get('etag')).not.toBe(empty.headers.get('etag'));
      const cart = await json(added);
      expect(cart.id).toBe(emptyCart.id);
      expect(Date.parse(cart.updatedAt)).toBeGreaterThan(Date.now() - 60_000);
      expect(cart.items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            productId: telescope,
            sku: expect.stringMatching(/^E2E-/),
            name: 'Brass telescope',
            quantity: 2,
            unitPrice: { amount: 1250, currency: 'EUR' },
            lineTotal: { amount: 2500, currency: 'EUR' },
            available: 10,
          }),
          expect.objectContaining({
            productId: sextant,
            quantity: 3,
            unitPrice: { amount: 399, currency: 'EUR' },
            lineTotal: { amount: 1197, currency: 'EUR' },
            available: 5,
          }),
        ]),
      );
      expect(cart.items).toHaveLength(2);
      expect(cart.total).toEqual({ amount: 3697, currency: 'EUR' });
      expect(cart.itemCount).toBe(5);
      expect(await cartOf(owner)).toEqual(cart);

      // PUT sets the quantity (not adds to it).
      const changed = await json(await putLine(owner, telescope, 1));
      expect(changed.items.find((item: { productId: string }) => item.productId === telescope).quantity).toBe(1);
      expect(changed.itemCount).toBe(4);

      const removed = await deleteLine(owner, sextant);
      expect(removed.status).toBe(200);
      const afterRemoval = await json(removed);
      expect(afterRemoval.items.map((item: { productId: string }) => item.productId)).toEqual([telescope]);
      expect(afterRemoval.total).toEqual({ amount: 1250, currency: 'EUR' });

      const cleared = await send('DELETE', owner.base, { token: owner.token });
      expect(cleared.status).toBe(204);
      if (kind === 'customer') {
        expect(await cartOf(owner)).toEqual(expect.objectContaining({ items: [], itemCount: 0 }));
      } else {
        expect((await readCart(owner)).status).toBe(404);
      }
    });

    it('refuses a write whose If-Match is stale with 412, and takes a current one', async () => {
      const owner = await ownerOf();
      const productId = await productWithStock(10);
      const first = await putLine(owner, productId, 1);
      const etag = first.headers.get('etag') as string;
      expect(etag).toMatch(strongEtag);
      const fresh = await putLine(owner, productId, 2, { 'if-match': etag });
      expect(fresh.status).toBe(200);
      const stale = await putLine(owner, productId, 3, { 'if-match': etag });
      expect(stale.status).toBe(412);
      expect(stale.headers.get('content-type')).toContain('application/problem+json');
      expect((await deleteLine(owner, productId, { 'if-match': etag })).status).toBe(412);
      // Nothing of the refused writes landed.
      const cart = await cartOf(owner);
      expect(cart.items.map((item: { quantity: number }) => item.quantity)).toEqual([2]);
      const current = await readCart(owner);
      expect((await deleteLine(owner, productId, { 'if-match': current.headers.get('etag') as string })).status).toBe(
        200,
      );
    });

    it.each([
      ['0', 0],
      ['100', 100],
      ['a non-integer', 1.5],
      ['a string', 'two'],
    ])('refuses quantity %s with 400 naming body.quantity', async (_name, quantity) => {
      const owner = await ownerOf();
      const productId = await productWithStock(200);
      const res = await putLine(owner, productId, quantity);
      expect(res.status).toBe(400);
      expect(await errorPaths(res)).toContain('body.quantity');
    });

    it('refuses a product id that is not a UUID with 400 naming it', async () => {
      const owner = await ownerOf();
      const res = await putLine(owner, 'not-a-product', 1);
      expect(res.status).toBe(400);
      expect(await errorPaths(res)).toContain('params.productId');
    });

    it('answers 404 for a product the catalog does not know and for an archived one', async () => {
      const owner = await ownerOf();
      expect((await putLine(owner, randomUUID(), 1)).status).toBe(404);
      const productId = await productWithStock(5);
      await archive(productId);
      await eventually(async () => expect((await putLine(owner, productId, 1)).status).toBe(404));
      // A PUT that got in before the archive reached the cart may have left a line: shown archived, never active.
      const lines = (await cartOf(owner)).items as Array<{ productId: string; status: string; available: number }>;
      expect(lines.filter((line) => line.status !== 'archived' || line.available !== 0)).toEqual([]);
    });

    it('refuses more than is available with 409 naming body.quantity', async () => {
      const owner = await ownerOf();
      const productId = await productWithStock(3);
      const res = await putLine(owner, productId, 4);
      expect(res.status).toBe(409);
      expect(await errorPaths(res)).toContain('body.quantity');
      expect((await putLine(owner, productId, 3)).status).toBe(200);
    });

    it('keeps every line of 20 concurrent writes to one cart', async () => {
      const owner = await ownerOf();
      const products = await Promise.all(Array.from({ length: 20 }, () => productWithStock(50)));
      const answers = await Promise.all(products.map((productId, index) => putLine(owner, productId, index + 1)));
      expect(answers.map((res) => res.status)).toEqual(products.map(() => 200));
      const cart = await cartOf(owner);
      expect(
        Object.fromEntries(
          cart.items.map((item: { productId: string; quantity: number }) => [item.productId, item.quantity]),
        ),
      ).toEqual(Object.fromEntries(products.map((productId, index) => [productId, index + 1])));
    }, 60_000);
  });

  describe('guest carts', () => {
    it('answers 404 for an id no cart has, on every route', async () => {
      const unknown = `/api/carts/${randomUUID()}`;
      const productId = await productWithStock(1);
      expect((await send('GET', unknown)).status).toBe(404);
      expect((await send('PUT', `${unknown}/items/${productId}`, { body: { quantity: 1 } })).status).toBe(404);
      expect((await send('DELETE', `${unknown}/items/${productId}`)).status).toBe(404);
      expect((await send('DELETE', unknown)).status).toBe(404);
    });

    it("never reach a customer's cart by its id, nor another cart through a path with dot segments", async () => {
      const customer = await newCustomer();
      const productId = await productWithStock(5);
      expect((await putLine(customerCart(customer), productId, 1)).status).toBe(200);
      const { id } = await cartOf(customerCart(customer));
      // Raw bytes on the wire: fetch would resolve the dot segments before sending them.
      expect((await rawRequest(baseUrl(), { target: `/api/carts/${id}` })).status).toBe(404);
      const guest = await newGuestCart();
      const sneaky = await rawRequest(baseUrl(), { target: `/api/carts/${guest.id}/items/../../../cart` });
      expect(sneaky.status).toBe(400);
      const encoded = await rawRequest(baseUrl(), { target: `/api/carts/${guest.id}%2F..%2F${id}` });
      expect([400, 404]).toContain(encoded.status);
      expect(encoded.body).not.toContain(productId);
    });
  });

  describe('merge', () => {
    it("adds the guest cart's lines into the customer's (sums capped at 99), deletes the guest cart, and a second merge is 404", async () => {
      const customer = await newCustomer();
      const [shared, guestOnly, customerOnly] = await Promise.all([
        productWithStock(500),
        productWithStock(500),
        productWithStock(500),
      ]);
      const mine = customerCart(customer);
      expect((await putLine(mine, shared, 60)).status).toBe(200);
      expect((await putLine(mine, customerOnly, 2)).status).toBe(200);
      const guest = await newGuestCart();
      expect((await putLine(guest, shared, 50)).status).toBe(200);
      expect((await putLine(guest, guestOnly, 7)).status).toBe(200);

      const merge = () => send('POST', '/api/cart/merge', { token: customer.accessToken, body: { cartId: guest.id } });
      const merged = await merge();
      expect(merged.status).toBe(200);
      const cart = await json(merged);
      const quantities = Object.fromEntries(
        cart.items.map((item: { productId: string; quantity: number }) => [item.productId, item.quantity]),
      );
      expect(quantities).toEqual({ [shared]: 99, [guestOnly]: 7, [customerOnly]: 2 });
      expect(await cartOf(mine)).toEqual(cart);
      expect((await readCart(guest)).status).toBe(404);
      expect((await merge()).status).toBe(404);
      expect(
        (await send('POST', '/api/cart/merge', { token: customer.accessToken, body: { cartId: randomUUID() } })).status,
      ).toBe(404);
    });
  });

  describe('live prices and availability', () => {
    it('shows a price change in the cart within 2 seconds', async () => {
      const customer = await newCustomer();
      const productId = await productWithStock(10, 1000);
      expect((await putLine(customerCart(customer), productId, 2)).status).toBe(200);
      await changePrice(productId, 1700);
      const changedAt = Date.now();
      let seenAfterMs = Number.POSITIVE_INFINITY;
      while (Date.now() - changedAt < 5_000) {
        const cart = await cartOf(customerCart(customer));
        if (cart.items[0]?.unitPrice.amount === 1700) {
          seenAfterMs = Date.now() - changedAt;
          expect(cart.items[0].lineTotal).toEqual({ amount: 3400, currency: 'EUR' });
          expect(cart.total).toEqual({ amount: 3400, currency: 'EUR' });
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(seenAfterMs).toBeLessThanOrEqual(2_000);
    });

    it('shows an archived product as unavailable, and checkout refuses it with 409 naming it', async () => {
      const customer = await newCustomer();
      const [kept, archived] = await Promise.all([productWithStock(5), productWithStock(5)]);
      const mine = customerCart(customer);
      expect((await putLine(mine, kept, 1)).status).toBe(200);
      expect((await putLine(mine, archived, 1)).status).toBe(200);
      await archive(archived);
      await eventually(async () => {
        const cart = await cartOf(mine);
        expect(cart.items.find((item: { productId: string }) => item.productId === archived)).toEqual(
          expect.objectContaining({ productId: archived, available: 0, status: 'archived' }),
        );
      }, 5_000);
      const refused = await checkout(customer, randomUUID());
      expect(refused.status).toBe(409);
      expect(JSON.stringify(await json(refused))).toContain(archived);
      expect((await cartOf(mine)).items).toHaveLength(2);
      expect(await ordersOf(customer)).toEqual([]);
    });
  });

  describe('checkout', () => {
    it('places the order with the cart lines (202 Pending, then Paid) and empties the cart', async () => {
      const customer = await newCustomer();
      const [telescope, sextant] = await Promise.all([productWithStock(10, 1999), productWithStock(10, 500)]);
      const mine = customerCart(customer);
      await putLine(mine, telescope, 2);
      await putLine(mine, sextant, 1);
      const res = await checkout(customer, randomUUID());
      expect(res.status).toBe(202);
      const placed = await json(res);
      expect(placed).toEqual(
        expect.objectContaining({ id: expect.any(String), customerId: customer.id, status: 'Pending' }),
      );
      expect(placed.items).toHaveLength(2);
      expect(await cartOf(mine)).toEqual(expect.objectContaining({ items: [], itemCount: 0 }));
      const paid = await orderReaching(placed.id, customer.accessToken, ['Paid', 'Failed']);
      expect(paid.status).toBe('Paid');
      expect(paid.items).toEqual(
        expect.arrayContaining([
          { productId: telescope, quantity: 2, unitPrice: { amount: 1999, currency: 'EUR' } },
          { productId: sextant, quantity: 1, unitPrice: { amount: 500, currency: 'EUR' } },
        ]),
      );
      expect(paid.items).toHaveLength(2);
      expect(paid.total).toEqual({ amount: 4498, currency: 'EUR' });
      expect(JSON.stringify(placed)).not.toContain('4242424242424242');
    });

    it('refuses an empty cart with 409', async () => {
      const customer = await newCustomer();
      expect((await checkout(customer, randomUUID())).status).toBe(409);
      expect(await ordersOf(customer)).toEqual([]);
    });

    it('refuses a bad payment with 400 naming the field and leaves the cart as it was', async () => {
      const customer = await newCustomer();
      const productId = await productWithStock(5);
      await putLine(customerCart(customer), productId, 1);
      const res = await checkout(customer, randomUUID(), '4242424242424241');
      expect(res.status).toBe(400);
      const text = await res.text();
      expect(JSON.parse(text).errors.map((error: { path: string }) => error.path)).toContain('body.payment.cardNumber');
      expect(text).not.toContain('4242424242424241');
      expect((await cartOf(customerCart(customer))).items).toHaveLength(1);
    });

    it('refuses a quantity above what is available at checkout with 409 naming the product', async () => {
      const customer = await newCustomer();
      const productId = await productWithStock(4);
      await putLine(customerCart(customer), productId, 4);
      const admin = await adminToken();
      const adjusted = await postJson(
        `/api/inventory/${productId}/adjustments`,
        { delta: -2, reason: 'e2e: damaged' },
        bearer(admin),
      );
      expect(adjusted.status).toBe(200);
      await eventually(async () => {
        const cart = await cartOf(customerCart(customer));
        expect(cart.items[0].available).toBe(2);
      }, 5_000);
      const refused = await checkout(customer, randomUUID());
      expect(refused.status).toBe(409);
      expect(JSON.stringify(await json(refused))).toContain(productId);
      expect((await cartOf(customerCart(customer))).items).toHaveLength(1);
    });

    it('answers a retried checkout with one key with the same order, placing one; the key with another body is 409', async () => {
      const customer = await newCustomer();
      const productId = await productWithStock(10);
      await putLine(customerCart(customer), productId, 2);
      const key = randomUUID();
      const first = await checkout(customer, key);
      expect(first.status).toBe(202);
      const firstBody = await json(first);
      const again = await checkout(customer, key);
      expect(again.status).toBe(202);
      expect((await json(again)).id).toBe(firstBody.id);
      const concurrentRetries = await Promise.all([checkout(customer, key), checkout(customer, key)]);
      for (const res of concurrentRetries) {
        expect(res.status).toBe(202);
        expect((await json(res)).id).toBe(firstBody.id);
      }
      expect((await ordersOf(customer)).map((order) => order.id)).toEqual([firstBody.id]);
      // The same key with another body is 409, as for POST /api/orders.
      const otherBody = await send('POST', '/api/cart/checkout', {
        token: customer.accessToken,
        body: { shippingAddress: { ...shippingAddress, line1: '10 Downing Street' }, payment: payment() },
        headers: { 'idempotency-key': key },
      });
      expect(otherBody.status).toBe(409);
      expect((await ordersOf(customer)).map((order) => order.id)).toEqual([firstBody.id]);
    });

    it('places one order for two concurrent checkouts with different keys; the other is 409', async () => {
      const customer = await newCustomer();
      const productId = await productWithStock(10);
      await putLine(customerCart(customer), productId, 3);
      const answers = await Promise.all([checkout(customer, randomUUID()), checkout(customer, randomUUID())]);
      expect(answers.map((res) => res.status).sort()).toEqual([202, 409]);
      const accepted = answers.find((res) => res.status === 202) as Response;
      const order = await json(accepted);
      await eventually(async () => expect((await ordersOf(customer)).map((o) => o.id)).toEqual([order.id]));
      const paid = await orderReaching(order.id, customer.accessToken, ['Paid', 'Failed']);
      expect(paid.items).toEqual([expect.objectContaining({ productId, quantity: 3 })]);
    });
  });

  describe('who may see a cart', () => {
    it("never shows or changes one customer's cart to another", async () => {
      const [alice, bob] = await Promise.all([newCustomer('Alice'), newCustomer('Bob')]);
      const productId = await productWithStock(5);
      await putLine(customerCart(alice), productId, 2);
      const aliceCart = await cartOf(customerCart(alice));
      const bobCart = await cartOf(customerCart(bob));
      expect(bobCart.id).not.toBe(aliceCart.id);
      expect(bobCart.items).toEqual([]);
      expect((await send('GET', `/api/carts/${aliceCart.id}`, { token: bob.accessToken })).status).toBe(404);
      // Bob removing the product from his own cart leaves Alice's alone.
      await deleteLine(customerCart(bob), productId);
      expect((await cartOf(customerCart(alice))).items).toHaveLength(1);
    });

    it.each([
      ['GET', '/api/cart'],
      ['PUT', `/api/cart/items/${randomUUID()}`],
      ['DELETE', `/api/cart/items/${randomUUID()}`],
      ['DELETE', '/api/cart'],
      ['POST', '/api/cart/merge'],
      ['POST', '/api/cart/checkout'],
    ])('answers %s %s without a token with 401', async (method, path) => {
      const body = method === 'GET' || method === 'DELETE' ? undefined : { quantity: 1, cartId: randomUUID() };
      const res = await send(method, path, { body });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    });
  });
});
