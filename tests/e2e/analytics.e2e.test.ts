// The analytics API and its live hub as an admin meets them, in both topologies (CONTRACT.md, "Analytics (admin)"):
// every endpoint's figures, ranges, refusals, and /hubs/analytics. Other files place orders in the same platform at
// the same time, so the figures are checked by what this file adds: its orders are priced in a currency of their
// own, and its products are its own. The dashboard page itself is analytics-dashboard.e2e.test.ts's.
import { randomInt } from 'node:crypto';
import { HttpTransportType, type HubConnection, HubConnectionBuilder, LogLevel } from '@microsoft/signalr';
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
/** A figure reflects an event within 5 seconds (CONTRACT.md): timed from the order reaching the status. */
const reflectMs = 5_000;
/** For figures that wait on more of the saga after the last status awaited (a refund, inventory's commit). */
const figureWaitMs = 30_000;
const hourMs = 3_600_000;

interface Money {
  amount: number;
  currency: string;
}
interface Summary {
  orders: { placed: number; paid: number; failed: number; cancelled: number };
  revenue: Money[];
  averageOrderValue: Money[];
  customers: { registered: number };
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
    // Minor units, whole in every currency, however the division falls.
    expect(after.averageOrderValue.every((money: Money) => Number.isInteger(money.amount))).toBe(true);
    // Never summed across currencies: one entry per currency.
    const currencies = after.revenue.map((money: Money) => money.currency);
    expect(new Set(currencies).size).toBe(currencies.length);
    expect(Date.parse(after.to) - Date.parse(after.from)).toBe(30 * 24 * hourMs);
  }, 120_000);

  it('gives the sales series per hour with every bucket present, zeros included, and per day', async () => {
    const customer = await newCustomer();
    const productId = await productWithStock(5, 700, currency);
    const before = await analytics('/api/analytics/summary');
    await orderReaching(await placeOrder(customer, productId, 3), customer.accessToken, ['Paid']);
    // The summary counts the order placed and paid within 5 seconds of its payment.
    await eventually(async () => {
      const summary = await analytics('/api/analytics/summary');
      expect(summary.orders.placed).toBeGreaterThan(before.orders.placed);
      expect(summary.orders.paid).toBeGreaterThan(before.orders.paid);
      expect(inCurrency(summary.revenue)).toBe(inCurrency(before.revenue) + 2100);
    }, reflectMs);
    const to = new Date(Date.now() + 60_000);
    const from = new Date(to.getTime() - 6 * hourMs);
    const range = `from=${from.toISOString()}&to=${to.toISOString()}`;
    const hourly = await eventually(async () => {
      const series = await analytics(`/api/analytics/sales?${range}&interval=hour`);
      const sold = series.points.reduce((sum: number, p: { revenue: Money[] }) => sum + inCurrency(p.revenue), 0);
      expect(sold).toBeGreaterThanOrEqual(2100);
      return series;
    }, reflectMs);
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
    // The default: the last 30 days by day, today's bucket (with this order in it) the 31st.
    const defaulted = await analytics('/api/analytics/sales');
    expect(defaulted.interval).toBe('day');
    expect(defaulted.points).toHaveLength(31);
    const today = `${new Date().toISOString().slice(0, 10)}T00:00:00.000Z`;
    const point = defaulted.points.find((p: { at: string }) => p.at === today);
    expect(point?.orders).toBeGreaterThanOrEqual(1);
    expect(inCurrency(point?.revenue ?? [])).toBeGreaterThanOrEqual(2100);
  }, 120_000);

  it('ranks top products by units sold, with their revenue, and the stock outlook soonest stock-out first', async () => {
    const customer = await newCustomer();
    const productId = await productWithStock(40, 250, currency);
    await orderReaching(await placeOrder(customer, productId, 30), customer.accessToken, ['Paid']);
    const top = await eventually(async () => {
      const products = await analytics('/api/analytics/top-products?limit=100');
      // The whole line, nothing more: its name from the catalog, units sold and what they brought.
      expect(products).toContainEqual({
        productId,
        name: 'Brass telescope',
        quantity: 30,
        revenue: { amount: 7500, currency },
      });
      return products;
    }, reflectMs);
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
    ['/api/analytics/summary?from=2024-01-01T00:00:00Z&to=2025-06-01T00:00:00Z', 'query.to'],
    ['/api/analytics/sales?interval=week', 'query.interval'],
    ['/api/analytics/sales?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'query.to'],
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

describe('the live hub /hubs/analytics', () => {
  function connect(token?: string): HubConnection {
    return new HubConnectionBuilder()
      .withUrl(`${baseUrl()}/hubs/analytics`, {
        transport: HttpTransportType.WebSockets,
        ...(token ? { accessTokenFactory: () => token } : {}),
      })
      .configureLogging(LogLevel.None)
      .build();
  }

  it('sends an admin MetricsChanged(summary) as orders happen, within 5 seconds, and refuses a customer', async () => {
    const customer = await newCustomer();
    await expect(connect(customer.accessToken).start()).rejects.toThrow(/403/);
    const client = connect(await adminToken());
    await client.start();
    try {
      const heard: Summary[] = [];
      client.on('MetricsChanged', (summary: Summary) => heard.push(summary));
      const productId = await productWithStock(5, 900, currency);
      const before = (await analytics('/api/analytics/summary')) as unknown as Summary;
      const buyer = await newCustomer();
      await orderReaching(await placeOrder(buyer, productId, 1), buyer.accessToken, ['Paid']);
      await eventually(async () => {
        const last = heard.at(-1);
        if (!last || last.orders.paid <= before.orders.paid) throw new Error('no MetricsChanged with the payment yet');
        expect(inCurrency(last.revenue)).toBeGreaterThanOrEqual(inCurrency(before.revenue) + 900);
      }, reflectMs);
    } finally {
      await client.stop();
    }
  }, 60_000);
});
