import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CartCheckedOut, type EventEnvelope } from '@shop/contracts';
import { type EmbeddedPlatform, type Mesh, runEmbedded, type ServiceManifest, type StateStore } from '@shop/kit';
import { contractProblems } from '@shop/testkit/src/event-contracts';
import { json } from '@shop/testkit/src/listen';
import { adminToken, bearer, newCustomer, type TestCustomer } from '../../../tests/e2e/support/accounts';
import { eventually } from '../../../tests/e2e/support/eventually';
import { levelsOf, orderReaching, payment, productWithStock, shippingAddress } from '../../../tests/e2e/support/shop';
import { catalogService } from '../../catalog/src/service';
import { identityService } from '../../identity/src/service';
import { inventoryService } from '../../inventory/src/service';
import { ordersService } from '../../orders/src/service';
import { paymentsService } from '../../payments/src/service';
import { cartService } from '../src/service';

/**
 * The checkout against the real services it depends on, all embedded in one process: identity (tokens), catalog
 * and inventory (the cart's projection and orders' prices), payments (the card) and orders (the saga).
 */
const checkedOut: EventEnvelope[] = [];
/** When set, the cart's next save of a checkout record fails, as a process ending right after orders accepted. */
const faults = { failNextRecordSave: false };

function recordingCart(service: string, mesh: Mesh): Mesh {
  if (service !== 'cart') return mesh;
  const state: StateStore = {
    get: (key) => mesh.state.get(key),
    getBulk: (keys) => mesh.state.getBulk(keys),
    delete: (key, options) => mesh.state.delete(key, options),
    async save(key, value, options) {
      if (faults.failNextRecordSave && key.startsWith('checkout:')) {
        faults.failNextRecordSave = false;
        throw new Error('the process ended before the checkout was recorded');
      }
      await mesh.state.save(key, value, options);
    },
  };
  return {
    invoke: (appId, path, request) => mesh.invoke(appId, path, request),
    state,
    async publish(topic, event) {
      if (topic === CartCheckedOut.topic) checkedOut.push(JSON.parse(JSON.stringify(event)) as EventEnvelope);
      await mesh.publish(topic, event);
    },
  };
}

/** Short, so the test of a checkout its request did not finish waits for it to expire. */
const leaseSeconds = 5;

let platform: EmbeddedPlatform;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'cart-checkout-'));
  const manifests = [identityService, catalogService, inventoryService, paymentsService, ordersService, cartService];
  platform = await runEmbedded(manifests as ServiceManifest[], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      SHOP_DATA_DIR: dataDir,
      LOG_LEVEL: 'fatal',
      CART_CHECKOUT_LEASE_SECONDS: String(leaseSeconds),
    },
    wrapMesh: recordingCart,
  });
  process.env.E2E_BASE_URL = platform.url;
}, 60_000);

afterAll(async () => {
  await platform?.shutdown();
  rmSync(dataDir, { recursive: true, force: true });
});

async function send(
  method: string,
  path: string,
  token: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(`${platform.url}${path}`, {
    method,
    headers: {
      ...bearer(token),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
}

async function putInCart(customer: TestCustomer, productId: string, quantity: number): Promise<void> {
  const res = await send('PUT', `/api/cart/items/${productId}`, customer.accessToken, { body: { quantity } });
  expect(res.status).toBe(200);
}

const checkout = (customer: TestCustomer, key?: string, body: unknown = { shippingAddress, payment: payment() }) =>
  send('POST', '/api/cart/checkout', customer.accessToken, {
    body,
    headers: key === undefined ? {} : { 'idempotency-key': key },
  });

const cartOf = async (customer: TestCustomer) => json(await send('GET', '/api/cart', customer.accessToken));

async function ordersOf(customer: TestCustomer): Promise<Array<{ id: string }>> {
  return (await json(await send('GET', '/api/orders', customer.accessToken))).items as Array<{ id: string }>;
}

describe('POST /api/cart/checkout on the real platform', () => {
  it('turns the cart into an order that reaches Paid, empties the cart and announces it', async () => {
    const customer = await newCustomer();
    const telescope = await productWithStock(5, 1500);
    const lens = await productWithStock(5, 400);
    await putInCart(customer, telescope, 2);
    await putInCart(customer, lens, 1);

    const res = await checkout(customer, 'checkout-1');

    expect(res.status).toBe(202);
    const order = await json(res);
    expect(res.headers.get('location')).toBe(`/api/orders/${order.id}`);
    expect(order).toMatchObject({
      status: 'Pending',
      customerId: customer.id,
      total: { amount: 3400, currency: 'EUR' },
    });
    expect(order.items).toEqual(
      expect.arrayContaining([
        { productId: telescope, quantity: 2, unitPrice: { amount: 1500, currency: 'EUR' } },
        { productId: lens, quantity: 1, unitPrice: { amount: 400, currency: 'EUR' } },
      ]),
    );
    expect(await cartOf(customer)).toMatchObject({ items: [], itemCount: 0 });

    await orderReaching(order.id as string, customer.accessToken, ['Paid']);
    await eventually(async () => expect((await levelsOf(telescope)).available).toBe(3));
    const events = checkedOut.filter((event) => (event.data as { orderId: string }).orderId === order.id);
    expect(events).toHaveLength(1);
    expect(contractProblems(CartCheckedOut.topic, events[0] as EventEnvelope)).toEqual([]);
    expect(events[0]?.data).toMatchObject({ customerId: customer.id, total: { amount: 3400, currency: 'EUR' } });
  }, 60_000);

  it('answers a retry with the same key with the same order, and places one', async () => {
    const customer = await newCustomer();
    await putInCart(customer, await productWithStock(5), 1);

    const first = await checkout(customer, 'retry-key');
    const retry = await checkout(customer, 'retry-key');

    expect(first.status).toBe(202);
    expect(retry.status).toBe(202);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect((await json(retry)).id).toBe((await json(first)).id);
    expect(await ordersOf(customer)).toHaveLength(1);
    const other = await checkout(customer, 'retry-key', {
      shippingAddress: { ...shippingAddress, city: 'Leeds' },
      payment: payment(),
    });
    expect(other.status).toBe(409);
  }, 60_000);

  it('places the cart without an Idempotency-Key too (as orders does: every such request is its own)', async () => {
    const customer = await newCustomer();
    await putInCart(customer, await productWithStock(5), 1);

    const res = await checkout(customer);

    expect(res.status).toBe(202);
    expect(await ordersOf(customer)).toEqual([expect.objectContaining({ id: (await json(res)).id })]);
    expect((await checkout(customer)).status).toBe(409); // the cart is empty now
  }, 60_000);

  it('places one order when two checkouts with different keys race; the other is 409', async () => {
    const customer = await newCustomer();
    await putInCart(customer, await productWithStock(5), 2);

    const answers = await Promise.all([checkout(customer, 'race-a'), checkout(customer, 'race-b')]);

    expect(answers.map((res) => res.status).sort()).toEqual([202, 409]);
    expect(await ordersOf(customer)).toHaveLength(1);
  }, 60_000);

  it('passes on what orders refuses (a card failing the Luhn check: 400 naming it) and keeps the cart', async () => {
    const customer = await newCustomer();
    const productId = await productWithStock(5);
    await putInCart(customer, productId, 2);

    const res = await checkout(customer, 'bad-card', { shippingAddress, payment: payment('4242424242424241') });

    expect(res.status).toBe(400);
    expect((await json(res)).errors).toEqual([expect.objectContaining({ path: 'body.payment.cardNumber' })]);
    expect(await cartOf(customer)).toMatchObject({ items: [expect.objectContaining({ productId, quantity: 2 })] });
    expect(await ordersOf(customer)).toHaveLength(0);
    // The cart is free again: a good card goes through.
    expect((await checkout(customer, 'good-card')).status).toBe(202);
  }, 60_000);

  it('refuses an empty cart and bad fields before asking orders, and an archived line (409 naming it)', async () => {
    const customer = await newCustomer();
    const empty = await checkout(customer, 'empty');
    expect(empty.status).toBe(409);

    const productId = await productWithStock(5);
    await putInCart(customer, productId, 1);
    const bad = await checkout(customer, 'bad-fields', {
      shippingAddress: { ...shippingAddress, country: 'Britain' },
      payment: { ...payment(), cvc: 'x' },
    });
    expect(bad.status).toBe(400);
    expect((await json(bad)).errors.map((error: { path: string }) => error.path).sort()).toEqual([
      'body.payment.cvc',
      'body.shippingAddress.country',
    ]);

    for (const key of ['two words', 'x'.repeat(256)]) {
      const badKey = await checkout(customer, key);
      expect(badKey.status).toBe(400);
      expect((await json(badKey)).errors).toEqual([expect.objectContaining({ path: 'headers.idempotency-key' })]);
    }

    expect((await send('DELETE', `/api/products/${productId}`, await adminToken())).status).toBe(204);
    const archived = await eventually(async () => {
      const res = await checkout(customer, 'archived');
      expect(res.status).toBe(409);
      const problem = await json(res);
      expect(problem.products).toEqual([expect.objectContaining({ productId, reason: 'archived' })]);
      return problem;
    });
    expect(archived.detail).toContain(productId);
    expect(await ordersOf(customer)).toHaveLength(0);
  }, 60_000);
});

describe('a checkout whose request ended after orders accepted it', () => {
  it('is finished by the next read of the cart, which asks orders for the order with the customer token', async () => {
    const customer = await newCustomer();
    const productId = await productWithStock(5);
    await putInCart(customer, productId, 2);
    faults.failNextRecordSave = true;

    const crashed = await checkout(customer, 'crash-key');

    expect(crashed.status).toBe(500);
    const [order] = await ordersOf(customer);
    expect(order).toBeDefined();
    // Until the lease expires the cart is held: another checkout is 409 and the lines are still shown.
    expect((await checkout(customer, 'other-key')).status).toBe(409);
    await new Promise((resolve) => setTimeout(resolve, leaseSeconds * 1000 + 200));

    expect(await cartOf(customer)).toMatchObject({ items: [] });
    const events = checkedOut.filter((event) => (event.data as { orderId: string }).orderId === order?.id);
    expect(events).toHaveLength(1);
    // The key now answers the order it placed; nothing more is placed.
    const retry = await checkout(customer, 'crash-key');
    expect(retry.status).toBe(202);
    expect((await json(retry)).id).toBe(order?.id);
    expect(await ordersOf(customer)).toHaveLength(1);
    await orderReaching(order?.id as string, customer.accessToken, ['Paid']);
  }, 60_000);
});

describe('cart_checkouts_total', () => {
  it('counts the checkouts answered above by outcome', async () => {
    const text = await (await fetch(`${platform.url}/metrics`)).text();
    const count = (outcome: string) =>
      Number(text.match(new RegExp(`^cart_checkouts_total\\{[^}]*outcome="${outcome}"[^}]*\\} (\\d+)`, 'm'))?.[1]);
    // As the tests above had them. The racing checkout that lost is 409 in progress (conflict) or, when the winner
    // had already emptied the cart, 409 empty; the archived line is refused by orders (400) until the cart's
    // projection has the archive, then 409 unavailable.
    expect(count('accepted')).toBe(5);
    expect(count('replayed')).toBe(2);
    expect(count('empty') + count('conflict')).toBe(5);
    expect(count('empty')).toBeGreaterThanOrEqual(2);
    expect(count('refused')).toBeGreaterThanOrEqual(1);
    expect(count('unavailable')).toBe(1);
  });
});
