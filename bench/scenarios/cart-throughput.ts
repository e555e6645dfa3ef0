import { join } from 'node:path';
import { EmbeddedBus, EtagMismatchError, type StateStore } from '@shop/kit';
import { freePort, waitForPort } from '@shop/testkit/src/free-port';
import { spawnManaged } from '@shop/testkit/src/managed-process';
import { startTopology, stopTopology } from '../../tests/e2e/support/topology';
import { benchCartWrite } from './cart-state-write';
import { keptAliveHttp } from './kept-alive-http';
import { productionEnv } from './production-env';
import { measureInTurns, type RateResult, type TurnFigure } from './rates';
import { developmentAdmin, ShopClient } from './shop-client';

const root = join(__dirname, '..', '..');
const concurrency = 32;
const productCount = 20;
/** As many carts as concurrent loops: writes to one cart seldom meet (and are retried, never lost, when they do). */
const cartCount = concurrency;
const turns = 3;

async function seed(client: ShopClient): Promise<{ products: string[]; tokens: string[] }> {
  const admin = await client.login(developmentAdmin.email, developmentAdmin.password);
  const categoryId = await client.category(admin);
  const products: string[] = [];
  for (let i = 0; i < productCount; i++) {
    products.push(
      await client.stockedProduct(admin, {
        skuPrefix: 'BENCH-CART',
        name: `Benchmark teapot ${i}`,
        description: 'Steeps tea for the benchmark.',
        amount: 2500 + i,
        categoryId,
        stock: 1_000_000,
      }),
    );
  }
  const tokens: string[] = [];
  for (let i = 0; i < cartCount; i++) tokens.push(await client.newCustomer(`Bench shopper ${i}`));
  return { products, tokens };
}

/** Retries a conditional write that lost its ETag race, as the cart service does. */
async function retryingWrite(state: StateStore, cartKey: string, productId: string): Promise<boolean> {
  for (;;) {
    try {
      await benchCartWrite(state, cartKey, productId);
      return true;
    } catch (error) {
      if (!(error instanceof EtagMismatchError)) throw error;
    }
  }
}

const { statusOf, close: closeSockets } = keptAliveHttp(concurrency);

export async function cartThroughput(seconds: number, logDir: string): Promise<RateResult[]> {
  const barePort = await freePort();
  const bare = spawnManaged('bare-state-koa', process.execPath, {
    args: ['--import', 'tsx', join(root, 'bench', 'servers', 'bare-state-koa.ts')],
    cwd: root,
    logDir,
    env: { ...process.env, NODE_ENV: 'production', PORT: String(barePort) },
  });
  const origin = await startTopology('embedded', productionEnv());
  try {
    await waitForPort(barePort, 60_000);
    const client = new ShopClient(origin);
    const { products, tokens } = await seed(client);
    const productOf = (n: number) => products[(n * 7) % products.length] as string;
    const tokenOf = (n: number) => tokens[n % tokens.length] as string;
    const quantityOf = (n: number) => (n % 5) + 1;
    const bearer = (n: number) => ({ authorization: `Bearer ${tokenOf(n)}` });
    const state = new EmbeddedBus().meshFor('bench-cart').state;
    const figure = (name: string, note: string, operation: (n: number) => Promise<boolean>): TurnFigure => ({
      name,
      note,
      operation,
      clients: concurrency,
    });
    const figures = [
      figure(
        'bare state-store write: get + conditional save of a cart entry, embedded mesh, in process (baseline)',
        `${concurrency} concurrent writers over ${cartCount} carts`,
        (n) => retryingWrite(state, `cart-${n % cartCount}`, productOf(n)),
      ),
      figure(
        'the same write behind a bare Koa PUT route over HTTP',
        'no auth, no validation, no catalog facts',
        async (n) =>
          (await statusOf(`http://127.0.0.1:${barePort}/carts/${n % cartCount}/${productOf(n)}`, 'PUT')) === 200,
      ),
      figure(
        'cart write: PUT /api/cart/items/:productId, embedded topology',
        `${cartCount} customers' carts, ${productCount} products; the answer is the priced cart`,
        async (n) =>
          (await statusOf(
            `${origin}/api/cart/items/${productOf(n)}`,
            'PUT',
            bearer(n),
            JSON.stringify({ quantity: quantityOf(n) }),
          )) === 200,
      ),
      figure(
        'cart read: GET /api/cart, embedded topology',
        `the same carts, up to ${productCount} lines each, priced from the projection`,
        async (n) => (await statusOf(`${origin}/api/cart`, 'GET', bearer(n))) === 200,
      ),
    ];
    // Warm-up (JIT, caches, the projection) and every cart filled, so reads price real lines.
    for (const f of figures) for (let n = 0; n < cartCount * 4; n++) await f.operation(n);
    return await measureInTurns(figures, { seconds, turns });
  } finally {
    closeSockets();
    await stopTopology('embedded');
    await bare.stop();
  }
}
