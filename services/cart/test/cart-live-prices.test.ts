import { randomUUID } from 'node:crypto';
import type { ServiceManifest } from '@shop/kit';
import { type FixturePlatform, startWithFixtureIdentity } from '@shop/testkit/src/embedded-with-fixture';
import { eventually } from '@shop/testkit/src/eventually';
import { signToken } from '@shop/testkit/src/jwt-fixture';
import { catalogService } from '../../catalog/src/service';
import { inventoryService } from '../../inventory/src/service';
import { cartService } from '../src/service';
import { ownerActions } from './support/owner-actions';

// The cart service as it ships (its manifest wires the projection and its subscriptions) beside the real catalog
// and inventory: what a customer's GET /api/cart shows after an admin changes a price, archives, restocks.

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const freshnessMs = 2_000;

let fixture: FixturePlatform;
let owners: ReturnType<typeof ownerActions>;
let customerToken: string;

beforeAll(async () => {
  fixture = await startWithFixtureIdentity(
    [catalogService as ServiceManifest, inventoryService as ServiceManifest, cartService as ServiceManifest],
    { name: 'cart-live-prices' },
  );
  const admin = signToken(fixture.key, { roles: ['admin'] }, { subject: randomUUID() });
  owners = ownerActions((method, path, body) =>
    fetch(`${fixture.platform.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${admin}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );
}, 60_000);
afterAll(() => fixture?.stop());
beforeEach(() => {
  customerToken = signToken(fixture.key, { roles: ['customer'] }, { subject: randomUUID() });
});

async function cart(method = 'GET', path = '/api/cart', body?: unknown) {
  const res = await fetch(`${fixture.platform.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${customerToken}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as { items: Array<Record<string, unknown>>; total: unknown };
}

/** A product in the caller's cart at `quantity`, once inventory has opened its stock. */
async function inCart(price: number, stock: number, quantity: number) {
  const product = await owners.createProduct(eur(price), stock);
  await eventually(async () => expect(await owners.stockOpened(product.id)).toBe(true));
  await eventually(() => cart('PUT', `/api/cart/items/${product.id}`, { quantity }));
  return product;
}

/** Polls the caller's cart until `check` passes; answers how long that took from `since`. */
async function cartShows(since: number, check: (line: Record<string, unknown> | undefined) => void) {
  await eventually(async () => check((await cart()).items[0]), 10_000, 20);
  return Date.now() - since;
}

it(`shows a price change in the cart within ${freshnessMs} ms, with the line total`, async () => {
  const product = await inCart(1000, 5, 2);
  expect((await cart()).items[0]).toMatchObject({ unitPrice: eur(1000), lineTotal: eur(2000), available: 5 });
  const changedAt = Date.now();
  await owners.changePrice(product, eur(1250));
  const ms = await cartShows(changedAt, (line) =>
    expect(line).toMatchObject({ unitPrice: eur(1250), lineTotal: eur(2500) }),
  );
  expect(ms).toBeLessThan(freshnessMs);
  expect((await cart()).total).toEqual(eur(2500));
});

it('shows an archived product line as archived with 0 available', async () => {
  const product = await inCart(700, 4, 1);
  await owners.archive(product.id);
  await cartShows(Date.now(), (line) =>
    expect(line).toMatchObject({ productId: product.id, status: 'archived', available: 0 }),
  );
});

it(`shows a stock change in the cart within ${freshnessMs} ms`, async () => {
  const product = await inCart(300, 5, 1);
  const adjustedAt = Date.now();
  await owners.adjustStock(product.id, -2);
  const ms = await cartShows(adjustedAt, (line) => expect(line).toMatchObject({ productId: product.id, available: 3 }));
  expect(ms).toBeLessThan(freshnessMs);
});
