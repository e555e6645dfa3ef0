// Recommendations as a shopper meets them, in both topologies: paid orders of a bundle make the bundle partner
// a product's first recommendation, the category's bestsellers top the list up, archived and unavailable products
// never show, and a customer is never recommended what they bought. Each customer places at most two small orders
// (the fraud review holds a sixth order within 10 minutes and large totals).
import { randomUUID } from 'node:crypto';
import { json } from '@shop/testkit/src/listen';
import { rawRequest } from '@shop/testkit/src/raw-http';
import { adminToken, bearer, newCustomer, postJson } from './support/accounts';
import { baseUrl } from './support/base-url';
import { eventually } from './support/eventually';
import { get, orderReaching, payment, productWithStock, shippingAddress } from './support/shop';

interface Item {
  productId: string;
  name: string;
  price: { amount: number; currency: string };
  score: number;
}

const price = { amount: 500, currency: 'EUR' };
let categoryId: string;

const product = (name: string, stock: number) =>
  productWithStock(stock, price.amount, price.currency, { name, categoryId });

/** Places an order of one unit of each product and waits until it is paid. */
async function paidOrder(accessToken: string, productIds: string[]): Promise<void> {
  const items = productIds.map((productId) => ({ productId, quantity: 1 }));
  const res = await postJson('/api/orders', { items, shippingAddress, payment: payment() }, bearer(accessToken));
  if (res.status !== 202) throw new Error(`placing answered ${res.status}: ${await res.text()}`);
  await orderReaching((await json(res)).id as string, accessToken, ['Paid']);
}

async function recommendations(path: string, token?: string): Promise<Item[]> {
  const res = await get(path, token);
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
  return (await json(res)).items as Item[];
}

const ids = (items: Item[]) => items.map((item) => item.productId);

let tent: string;
let pegs: string;
let lamp: string;
let archived: string;
let soldOut: string;
let tentBuyer: { id: string; accessToken: string };

beforeAll(async () => {
  const admin = await adminToken();
  const category = await postJson('/api/categories', { name: `recs-${randomUUID().slice(0, 8)}` }, bearer(admin));
  categoryId = (await json(category)).id as string;
  [tent, pegs, lamp, archived, soldOut] = await Promise.all([
    product('Tent', 50),
    product('Tent pegs', 50),
    product('Head lamp', 50),
    product('Camping chair', 50),
    product('Last stove', 1),
  ]);
  const customers = await Promise.all(Array.from({ length: 7 }, () => newCustomer()));
  const [a, b, c, d, e, f, g] = customers.map((customer) => customer.accessToken) as string[];
  tentBuyer = customers[6] as { id: string; accessToken: string };
  await Promise.all([
    // The bundle, bought together three times.
    paidOrder(a as string, [tent, pegs]),
    paidOrder(b as string, [tent, pegs]),
    paidOrder(c as string, [tent, pegs]),
    // The category's bestseller, bought alone.
    paidOrder(d as string, [lamp]),
    paidOrder(e as string, [lamp]),
    paidOrder(f as string, [lamp]),
    // Bought with the tent too, then archived and sold out.
    paidOrder(g as string, [tent, archived, soldOut]),
  ]);
  const archive = await fetch(`${baseUrl()}/api/products/${archived}`, { method: 'DELETE', headers: bearer(admin) });
  expect(archive.status).toBeLessThan(300);
}, 120_000);

describe('recommendations of a product', () => {
  it('lists the bundle partner first, tops up with the category’s bestsellers, never itself, archived or unavailable products', async () => {
    const items = await eventually(async () => {
      const listed = await recommendations(`/api/products/${tent}/recommendations`);
      // All four orders of the tent learnt: the pegs are in three of them (cosine 3 / sqrt(4 · 3)).
      if (listed[0]?.productId !== pegs || listed[0]?.score !== 0.866025 || !ids(listed).includes(lamp)) {
        throw new Error(`not learnt yet: ${JSON.stringify(listed)}`);
      }
      if (ids(listed).includes(archived)) throw new Error('the archive is not projected yet');
      return listed;
    });
    expect(items[0]).toEqual({ productId: pegs, name: 'Tent pegs', price, score: expect.any(Number) });
    expect(items[0]?.score).toBeGreaterThan(0);
    expect(items.find((item) => item.productId === lamp)).toEqual({
      productId: lamp,
      name: 'Head lamp',
      price,
      score: 0,
    });
    expect(ids(items)).not.toContain(tent);
    expect(ids(items)).not.toContain(archived);
    expect(ids(items)).not.toContain(soldOut);
    expect(await recommendations(`/api/products/${tent}/recommendations?limit=1`)).toEqual([items[0]]);
  });

  it('answers the same with or without credentials (the ready read and the route), with an ETag and 304 on a match', async () => {
    const customer = await newCustomer();
    // Paid orders may still be reaching the model (the saga's last events): compare two answers of one state.
    const etag = await eventually(async () => {
      const anonymous = await get(`/api/products/${tent}/recommendations?limit=3`);
      const signedIn = await get(`/api/products/${tent}/recommendations?limit=3`, customer.accessToken);
      const [a, b] = [await anonymous.text(), await signedIn.text()];
      if (a !== b) throw new Error('the model changed between the two reads');
      expect(signedIn.headers.get('etag')).toBe(anonymous.headers.get('etag'));
      return anonymous.headers.get('etag') ?? '';
    });
    expect(etag).toMatch(/^W\/"/);
    for (const token of [undefined, customer.accessToken]) {
      const again = await fetch(`${baseUrl()}/api/products/${tent}/recommendations?limit=3`, {
        headers: { 'if-none-match': etag, ...(token ? bearer(token) : {}) },
      });
      expect(again.status).toBe(304);
    }
  });

  it('answers 404 for an unknown product and 400 naming query.limit for a bad limit', async () => {
    for (const id of [randomUUID(), 'not-a-product']) {
      const res = await get(`/api/products/${id}/recommendations`);
      expect([id, res.status, res.headers.get('content-type')]).toEqual([
        id,
        404,
        expect.stringMatching(/problem\+json/),
      ]);
    }
    for (const limit of ['0', '51', 'many', '2.5']) {
      const res = await get(`/api/products/${tent}/recommendations?limit=${limit}`);
      expect([limit, res.status]).toEqual([limit, 400]);
      expect(((await json(res)).errors as Array<{ path: string }>).map((error) => error.path)).toContain('query.limit');
    }
  });

  it('leaves the product itself to the catalog, and answers exactly its sub-path (raw request targets)', async () => {
    const res = await get(`/api/products/${tent}`);
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual(expect.objectContaining({ id: tent, name: 'Tent' }));
    const own = await rawRequest(baseUrl(), { target: `/api/products/${tent}/recommendations?limit=2` });
    expect(own.status).toBe(200);
    expect(JSON.parse(own.body).items).toHaveLength(2);
    for (const target of [
      `/api/products/${tent}/recommendations/..`,
      `/api/products/${tent}/recommendations/%2e%2e`,
      `/api/products/${tent}%2frecommendations`,
    ]) {
      expect([target, (await rawRequest(baseUrl(), { target })).status]).toEqual([target, 400]);
    }
    // Not the sub-path: the catalog's, which has no such route.
    const elsewhere = await rawRequest(baseUrl(), { target: `/api/products/${tent}/x/recommendations` });
    expect(elsewhere.status).toBe(404);
  });
});

describe("a customer's recommendations", () => {
  it('needs a customer token', async () => {
    expect((await get('/api/customers/me/recommendations')).status).toBe(401);
  });

  it('come from what the customer bought, never what they bought', async () => {
    const customer = await newCustomer();
    await paidOrder(customer.accessToken, [tent]);
    const items = await eventually(async () => {
      const listed = await recommendations('/api/customers/me/recommendations', customer.accessToken);
      if (listed[0]?.productId !== pegs) throw new Error(`not learnt yet: ${JSON.stringify(listed)}`);
      return listed;
    });
    expect(ids(items)).not.toContain(tent);
    expect(ids(items)).toContain(lamp);
    // The tent buyer bought the tent, the archived chair and the last stove: none of them comes back.
    const theirs = await recommendations('/api/customers/me/recommendations', tentBuyer.accessToken);
    expect(ids(theirs)).toEqual(expect.arrayContaining([pegs]));
    for (const bought of [tent, archived, soldOut]) expect(ids(theirs)).not.toContain(bought);
  });
});
