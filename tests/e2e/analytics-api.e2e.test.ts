// The analytics endpoints and the live hub as an admin meets them, in both topologies: an order placed through the
// API shows in every figure within the contract's 5 seconds, and reaches an admin's /hubs/analytics connection.
import { HttpTransportType, type HubConnection, HubConnectionBuilder, LogLevel } from '@microsoft/signalr';
import { json } from '@shop/testkit/src/listen';
import { adminToken, bearer, newCustomer, postJson } from './support/accounts';
import { baseUrl } from './support/base-url';
import { eventually } from './support/eventually';
import { get, orderReaching, payment, productWithStock, shippingAddress } from './support/shop';

/** CONTRACT.md, Analytics: a figure reflects an event within 5 seconds (of the order reaching the status). */
const reflectMs = 5_000;

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

const eurOf = (money: Money[]) => money.find((item) => item.currency === 'EUR')?.amount ?? 0;

function connect(token?: string): HubConnection {
  return new HubConnectionBuilder()
    .withUrl(`${baseUrl()}/hubs/analytics`, {
      transport: HttpTransportType.WebSockets,
      ...(token ? { accessTokenFactory: () => token } : {}),
    })
    .configureLogging(LogLevel.None)
    .build();
}

async function placePaidOrder(productId: string, quantity: number): Promise<void> {
  const customer = await newCustomer();
  const res = await postJson(
    '/api/orders',
    { items: [{ productId, quantity }], shippingAddress, payment: payment() },
    bearer(customer.accessToken),
  );
  if (res.status !== 202) throw new Error(`placing answered ${res.status}: ${await res.text()}`);
  await orderReaching((await json(res)).id as string, customer.accessToken, ['Paid']);
}

describe('analytics', () => {
  it('answers admins only, and refuses a bad range with 400 naming the field', async () => {
    const customer = await newCustomer();
    for (const path of ['summary', 'sales', 'top-products', 'stock-outlook']) {
      expect((await get(`/api/analytics/${path}`)).status).toBe(401);
      expect((await get(`/api/analytics/${path}`, customer.accessToken)).status).toBe(403);
    }
    const admin = await adminToken();
    const bad = await get('/api/analytics/sales?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', admin);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/problem\+json/);
    expect(((await json(bad)).errors as Array<{ path: string }>).map((error) => error.path)).toContain('query.to');
    const tooLong = await get('/api/analytics/summary?from=2024-01-01T00:00:00Z&to=2025-06-01T00:00:00Z', admin);
    expect(tooLong.status).toBe(400);
  });

  it('shows a paid order in the summary, the sales series, top products and the stock outlook', async () => {
    const admin = await adminToken();
    const productId = await productWithStock(10, 1250);
    const before = (await json(await get('/api/analytics/summary', admin))) as unknown as Summary;
    await placePaidOrder(productId, 3);

    const after = await eventually(async () => {
      const summary = (await json(await get('/api/analytics/summary', admin))) as unknown as Summary;
      if (summary.orders.paid <= before.orders.paid) throw new Error('the payment is not counted yet');
      return summary;
    }, reflectMs);
    expect(after.orders.placed).toBeGreaterThan(before.orders.placed);
    expect(eurOf(after.revenue)).toBeGreaterThanOrEqual(eurOf(before.revenue) + 3750);
    expect(after.averageOrderValue.every((money) => Number.isInteger(money.amount))).toBe(true);

    const today = `${new Date().toISOString().slice(0, 10)}T00:00:00.000Z`;
    const sales = await json(await get('/api/analytics/sales?interval=day', admin));
    expect(sales.interval).toBe('day');
    expect(sales.points).toHaveLength(31);
    const point = (sales.points as Array<{ at: string; orders: number; revenue: Money[] }>).find((p) => p.at === today);
    expect(point?.orders).toBeGreaterThanOrEqual(1);
    expect(eurOf(point?.revenue ?? [])).toBeGreaterThanOrEqual(3750);

    const top = (await json(await get('/api/analytics/top-products?limit=100', admin))) as unknown as Array<{
      productId: string;
      name: string;
      quantity: number;
      revenue: Money;
    }>;
    expect(top.find((line) => line.productId === productId)).toEqual({
      productId,
      name: 'Brass telescope',
      quantity: 3,
      revenue: { amount: 3750, currency: 'EUR' },
    });

    const outlook = await eventually(async () => {
      const lines = (await json(await get('/api/analytics/stock-outlook?limit=100', admin))) as unknown as Array<{
        productId: string;
        available: number;
        dailyDemand: number;
        daysToStockOut: number | null;
      }>;
      const line = lines.find((item) => item.productId === productId);
      if (line?.available !== 7) throw new Error(`the stock is not 7 yet: ${JSON.stringify(line)}`);
      return line;
    }, reflectMs);
    expect(outlook.dailyDemand).toBeGreaterThan(0);
    expect(outlook.daysToStockOut).toBeCloseTo(7 / outlook.dailyDemand, 0);
  });

  it('sends an admin MetricsChanged(summary) on /hubs/analytics as orders happen, and refuses a customer', async () => {
    const customer = await newCustomer();
    await expect(connect(customer.accessToken).start()).rejects.toThrow(/403/);
    const admin = await adminToken();
    const client = connect(admin);
    await client.start();
    try {
      const heard: Summary[] = [];
      client.on('MetricsChanged', (summary: Summary) => heard.push(summary));
      const productId = await productWithStock(5);
      const before = (await json(await get('/api/analytics/summary', admin))) as unknown as Summary;
      await placePaidOrder(productId, 1);
      await eventually(async () => {
        const last = heard.at(-1);
        if (!last || last.orders.paid <= before.orders.paid) throw new Error('no MetricsChanged with the payment yet');
      }, reflectMs);
    } finally {
      await client.stop();
    }
  });
});
