import { Agent, request } from 'node:http';
import { startTopology, stopTopology } from '../../tests/e2e/support/topology';
import { productionEnv } from './production-env';
import { measureInTurns, type RateResult } from './rates';
import { developmentAdmin, ShopClient } from './shop-client';

const concurrency = 32;
const lightConcurrency = 4;
const productCount = 30;
const turns = 3;
/** Customers each place this many small orders: under the fraud review's velocity rule (a sixth within 10 minutes). */
const ordersPerCustomer = 4;
const customers = 10;

const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
function statusOf(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function seed(client: ShopClient) {
  const admin = await client.login(developmentAdmin.email, developmentAdmin.password);
  const categoryId = await client.category(admin);
  const products: string[] = [];
  for (let i = 0; i < productCount; i++) {
    products.push(
      await client.stockedProduct(admin, {
        skuPrefix: 'BENCH-RECS',
        name: `Benchmark lantern ${i}`,
        amount: 900 + i,
        categoryId,
        stock: 1_000_000,
      }),
    );
  }
  const tokens: string[] = [];
  const card = { cardNumber: '4242424242424242', expMonth: 12, expYear: new Date().getUTCFullYear() + 3, cvc: '123' };
  const shippingAddress = { line1: '1 Bench Road', city: 'Leeds', postalCode: 'LS1 1AA', country: 'GB' };
  for (let c = 0; c < customers; c++) {
    const token = await client.newCustomer(`Bench shopper ${c}`);
    tokens.push(token);
    for (let o = 0; o < ordersPerCustomer; o++) {
      // Bundles: product 2k with 2k+1, and one of the first three (the bestsellers) now and then.
      const pair = ((c * ordersPerCustomer + o) % (productCount / 2)) * 2;
      const ids = [products[pair], products[pair + 1], ...(o % 2 === 0 ? [products[o % 3]] : [])];
      const items = [...new Set(ids)].map((productId) => ({ productId, quantity: 1 }));
      await client.json('POST', '/api/orders', { items, shippingAddress, payment: card }, token);
    }
  }
  // Learnt once product 0's list starts with its bundle partner.
  for (const deadline = Date.now() + 60_000; ; ) {
    const res = await client.send('GET', `/api/products/${products[0]}/recommendations`);
    const items = res.status === 200 ? ((await res.json()) as { items: Array<{ productId: string }> }).items : [];
    if (items[0]?.productId === products[1]) break;
    if (Date.now() > deadline) throw new Error('the recommendations did not learn the bundles within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { products, tokens };
}

export async function recommendationReads(seconds: number): Promise<RateResult[]> {
  const origin = await startTopology('embedded', productionEnv());
  try {
    const { products, tokens } = await seed(new ShopClient(origin));
    const productOf = (n: number) => products[n % products.length] as string;
    const bearer = (n: number) => ({ authorization: `Bearer ${tokens[n % tokens.length]}` });
    const figureSpecs = [
      {
        name: 'GET /healthz, embedded topology (baseline)',
        note: 'the edge alone',
        operation: async () => (await statusOf(`${origin}/healthz`)) === 200,
      },
      {
        name: 'catalog product read: GET /api/products/:id',
        note: `${productCount} products, the catalog's cached read`,
        operation: async (n: number) => (await statusOf(`${origin}/api/products/${productOf(n)}`)) === 200,
      },
      {
        name: 'GET /api/products/:id/recommendations (goal p99 ≤ 5 ms)',
        note: `${productCount} products, 5 recommendations each, from the replica's memory`,
        operation: async (n: number) =>
          (await statusOf(`${origin}/api/products/${productOf(n)}/recommendations`)) === 200,
      },
      {
        name: 'GET /api/customers/me/recommendations',
        note: `${customers} customers' tokens; their purchases read fresh from the database`,
        operation: async (n: number) =>
          (await statusOf(`${origin}/api/customers/me/recommendations`, bearer(n))) === 200,
      },
    ];
    // Under load (32 clients: the latency is mostly the queue, concurrency / throughput) and lightly loaded (4
    // clients: what one request costs), the goal's p99 read at the latter too.
    const figures = [concurrency, lightConcurrency].flatMap((clients) =>
      figureSpecs.map((figure) => ({
        ...figure,
        name: `${figure.name}, ${clients} clients`,
        clients,
      })),
    );
    for (const f of figures) for (let n = 0; n < productCount * 4; n++) await f.operation(n);
    return await measureInTurns(figures, { seconds, turns });
  } finally {
    agent.destroy();
    await stopTopology('embedded');
  }
}
