// The analytics API and the admin dashboard's page, in both topologies (CONTRACT.md, "Analytics (admin)"). Other
// files place orders in the same platform at the same time, so the figures are checked by what this file adds: its
// orders are priced in a currency of their own, and its products are its own.
import { randomInt } from 'node:crypto';
import { get as rawGet } from 'node:http';
import { json } from '@shop/testkit/src/listen';
import { adminToken, bearer, newCustomer, postJson, type TestCustomer } from './support/accounts';
import { baseUrl } from './support/base-url';
import { eventually } from './support/eventually';
import { get, orderReaching, payment, productWithStock, shippingAddress, testCards } from './support/shop';

/** A currency no other file prices in (any ISO 4217-shaped code is a price's currency), fresh for each run. */
const currency = `Q${String.fromCharCode(65 + randomInt(26))}${String.fromCharCode(65 + randomInt(26))}`;
const endpoints = [
  '/api/analytics/summary',
  '/api/analytics/sales',
  '/api/analytics/top-products',
  '/api/analytics/stock-outlook',
];
/** A figure reflects an event within 5 seconds (CONTRACT.md); the saga's own steps come first. */
const figureWaitMs = 30_000;
const hourMs = 3_600_000;

interface Money {
  amount: number;
  currency: string;
}

async function analytics(path: string) {
  const res = await get(path, await adminToken());
  expect([path, res.status]).toEqual([path, 200]);
  return json(res);
}

const inCurrency = (amounts: Money[]) => amounts.find((money) => money.currency === currency)?.amount ?? 0;

async function placeOrder(
  customer: TestCustomer,
  productId: string,
  quantity: number,
  card: string = testCards.approved,
) {
  const res = await postJson(
    '/api/orders',
    { items: [{ productId, quantity }], shippingAddress, payment: payment(card) },
    bearer(customer.accessToken),
  );
  if (res.status !== 202) throw new Error(`placing answered ${res.status}: ${await res.text()}`);
  return (await json(res)).id as string;
}

describe('analytics (CONTRACT.md, Analytics (admin))', () => {
  it('counts orders placed, paid, failed and cancelled, revenue and average order value per currency, minus refunds', async () => {
    const before = await analytics('/api/analytics/summary');
    expect(inCurrency(before.revenue)).toBe(0);
    const customer = await newCustomer();
    const productId = await productWithStock(20, 1500, currency);

    const paid = await placeOrder(customer, productId, 2);
    const refunded = await placeOrder(customer, productId, 1);
    const declined = await placeOrder(customer, productId, 1, testCards.declined);
    await orderReaching(paid, customer.accessToken, ['Paid']);
    await orderReaching(refunded, customer.accessToken, ['Paid']);
    await orderReaching(declined, customer.accessToken, ['Failed']);
    const cancel = await postJson(`/api/orders/${refunded}/cancel`, {}, bearer(customer.accessToken));
    expect(cancel.status).toBe(200);

    const after = await eventually(async () => {
      const summary = await analytics('/api/analytics/summary');
      // Paid 3000 + 1500, then the 1500 refunded: 3000 of this currency, over the one order still paid.
      expect(inCurrency(summary.revenue)).toBe(3000);
      expect(summary.orders.cancelled - before.orders.cancelled).toBeGreaterThanOrEqual(1);
      return summary;
    }, figureWaitMs);
    expect(after.orders.placed - before.orders.placed).toBeGreaterThanOrEqual(3);
    expect(after.orders.paid - before.orders.paid).toBeGreaterThanOrEqual(2);
    expect(after.orders.failed - before.orders.failed).toBeGreaterThanOrEqual(1);
    expect(after.customers.registered - before.customers.registered).toBeGreaterThanOrEqual(1);
    // What the paid orders were worth when paid, over their number: (3000 + 1500) / 2 (the refund lowers revenue).
    expect(inCurrency(after.averageOrderValue)).toBe(2250);
    // Never summed across currencies: one entry per currency.
    const currencies = after.revenue.map((money: Money) => money.currency);
    expect(new Set(currencies).size).toBe(currencies.length);
    expect(Date.parse(after.to) - Date.parse(after.from)).toBe(30 * 24 * hourMs);
  }, 120_000);

  it('gives the sales series per hour with every bucket present, zeros included, and per day', async () => {
    const customer = await newCustomer();
    const productId = await productWithStock(5, 700, currency);
    await orderReaching(await placeOrder(customer, productId, 3), customer.accessToken, ['Paid']);
    const to = new Date(Date.now() + 60_000);
    const from = new Date(to.getTime() - 6 * hourMs);
    const range = `from=${from.toISOString()}&to=${to.toISOString()}`;
    const hourly = await eventually(async () => {
      const series = await analytics(`/api/analytics/sales?${range}&interval=hour`);
      const sold = series.points.reduce((sum: number, p: { revenue: Money[] }) => sum + inCurrency(p.revenue), 0);
      expect(sold).toBeGreaterThanOrEqual(2100);
      return series;
    }, figureWaitMs);
    expect(hourly.interval).toBe('hour');
    expect(hourly.points.length).toBeGreaterThanOrEqual(6);
    const starts = hourly.points.map((p: { at: string }) => Date.parse(p.at));
    expect(starts.slice(1).map((at: number, index: number) => at - (starts[index] as number))).toEqual(
      starts.slice(1).map(() => hourMs),
    );
    // Six hours back, nothing had sold in this file's currency yet: those buckets are there, as zeros.
    const first = hourly.points[0];
    expect(first.orders).toBeGreaterThanOrEqual(0);
    expect(inCurrency(first.revenue)).toBe(0);

    const daily = await analytics(`/api/analytics/sales?${range}&interval=day`);
    expect(daily.interval).toBe('day');
    expect(daily.points.length).toBeGreaterThanOrEqual(1);
    for (const point of daily.points) expect(new Date(point.at).getUTCHours()).toBe(0);
    const defaulted = await analytics('/api/analytics/sales');
    expect(defaulted.interval).toBe('day');
    expect(defaulted.points.length).toBeGreaterThanOrEqual(30);
  }, 120_000);

  it('ranks top products by units sold, with their revenue, and the stock outlook soonest stock-out first', async () => {
    const customer = await newCustomer();
    const productId = await productWithStock(40, 250, currency);
    await orderReaching(await placeOrder(customer, productId, 30), customer.accessToken, ['Paid']);
    const top = await eventually(async () => {
      const products = await analytics('/api/analytics/top-products?limit=100');
      expect(products).toContainEqual(
        expect.objectContaining({ productId, quantity: 30, revenue: { amount: 7500, currency } }),
      );
      return products;
    }, figureWaitMs);
    const quantities = top.map((p: { quantity: number }) => p.quantity);
    expect(quantities).toEqual([...quantities].sort((a, b) => b - a));
    expect(await analytics('/api/analytics/top-products?limit=1')).toHaveLength(1);

    const outlook = await eventually(async () => {
      const items = await analytics('/api/analytics/stock-outlook?limit=100');
      const mine = items.find((item: { productId: string }) => item.productId === productId);
      expect(mine).toEqual(expect.objectContaining({ name: 'Brass telescope', available: 10 }));
      expect(mine.dailyDemand).toBeGreaterThan(0);
      return items;
    }, figureWaitMs);
    const mine = outlook.find((item: { productId: string }) => item.productId === productId);
    // Both figures are rounded for display (days to a tenth).
    expect(Math.abs(mine.daysToStockOut - mine.available / mine.dailyDemand)).toBeLessThan(0.1);
    const days = outlook.map(
      (item: { daysToStockOut: number | null }) => item.daysToStockOut ?? Number.POSITIVE_INFINITY,
    );
    expect(days).toEqual([...days].sort((a, b) => a - b));
    // A product nothing sells of has no stock-out day.
    const unsold = await productWithStock(3, 100, currency);
    await eventually(async () => {
      const items = await analytics('/api/analytics/stock-outlook?limit=100');
      expect(items).toContainEqual(
        expect.objectContaining({ productId: unsold, available: 3, dailyDemand: 0, daysToStockOut: null }),
      );
    }, figureWaitMs);
  }, 120_000);

  it.each([
    ['/api/analytics/summary?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'query.to'],
    ['/api/analytics/summary?from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'query.to'],
    ['/api/analytics/summary?from=yesterday', 'query.from'],
    ['/api/analytics/sales?interval=week', 'query.interval'],
    ['/api/analytics/sales?from=2026-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'query.to'],
    ['/api/analytics/top-products?limit=0', 'query.limit'],
    ['/api/analytics/top-products?from=2020-01-01T00:00:00Z&to=2021-06-01T00:00:00Z', 'query.to'],
    ['/api/analytics/stock-outlook?limit=many', 'query.limit'],
  ])('answers %s with 400 naming %s', async (path, field) => {
    const res = await get(path, await adminToken());
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = await json(res);
    expect(problem.errors.map((error: { path: string }) => error.path)).toContain(field);
  });

  it.each(endpoints)('refuses %s without a token (401) and to a customer (403)', async (path) => {
    expect((await get(path)).status).toBe(401);
    const customer = await newCustomer();
    expect((await get(path, customer.accessToken)).status).toBe(403);
  });
});

describe('the admin dashboard page', () => {
  /** Raw HTTP: the exact path matters (fetch would follow nothing here, but says nothing of a path's form either). */
  function fetchRaw(path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
    return new Promise((resolve, reject) => {
      rawGet(`${baseUrl()}${path}`, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      }).on('error', reject);
    });
  }

  it('is served at /admin on the same origin, with a sign-in form and its bundled script and style', async () => {
    const page = await fetchRaw('/admin');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.body).toMatch(/<input id="email" name="email" type="email"/);
    expect(page.body).toMatch(/<input id="password" name="password" type="password"/);
    const scripts = [...page.body.matchAll(/<script[^>]* src="([^"]+)"/g)].map((match) => match[1] as string);
    expect(scripts).toEqual(['/admin/dashboard.js']);
    const script = await fetchRaw('/admin/dashboard.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    // Chart.js and the SignalR client inside, nothing fetched from elsewhere.
    expect(script.body).toContain('MetricsChanged');
    expect(script.body).toMatch(/Chart\.js v4/);
    expect(script.body).not.toMatch(/https?:\/\/(cdn|unpkg|cdnjs)/);
    const style = await fetchRaw('/admin/dashboard.css');
    expect(style.status).toBe(200);
    expect(style.headers['content-type']).toBe('text/css; charset=utf-8');
  });
});
