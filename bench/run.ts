// `npm run bench`: each figure is measured next to its baseline in the same run, so the ratio holds when
// the machine's speed drifts. Servers run as child processes; the load generator is this process (on the
// same 2 cores, so absolute figures are lower bounds).
import { join, relative } from 'node:path';
import { freePort, waitForPort } from '@shop/testkit/src/free-port';
import { spawnManaged } from '@shop/testkit/src/managed-process';
import autocannon from 'autocannon';
import { build } from 'esbuild';
import { startTopology, stopTopology, type TopologyKind } from '../tests/e2e/support/topology';
import { bundleService } from '../tools/bundle-service';
import { hotSkuReservations } from './scenarios/hot-sku-reservations';
import { hubSection } from './scenarios/hub-report';
import { orderThroughput, rawOrderTransactions } from './scenarios/order-throughput';
import type { RateResult } from './scenarios/rates';
import { developmentAdmin, ShopClient } from './scenarios/shop-client';

const root = join(__dirname, '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const durationSeconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = 100;
/** BENCH_ONLY=http,reservations,orders,hub picks sections; all of them by default. */
const sections = new Set((process.env.BENCH_ONLY ?? 'http,reservations,orders,hub').split(','));

interface Result {
  name: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

async function load(name: string, url: string): Promise<Result> {
  await autocannon({ url, connections, duration: 2 }); // warm-up: JIT, connection pools
  const result = await autocannon({ url, connections, duration: durationSeconds });
  return {
    name,
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

async function withServer<T>(name: string, script: string, env: NodeJS.ProcessEnv, use: (port: number) => Promise<T>) {
  const port = await freePort();
  // Bundled JavaScript runs on node itself, as in the images; TypeScript through tsx.
  const server = spawnManaged(name, script.endsWith('.js') ? process.execPath : tsx, {
    args: [join(root, script)],
    cwd: root,
    logDir: join(root, '.tmp', 'bench'),
    env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: 'warn' },
  });
  try {
    await waitForPort(port, 60_000);
    return await use(port);
  } finally {
    await server.stop();
  }
}

/** An admin-created product in the running edge; answers its id and its JSON as GET serves it. */
async function seedProduct(origin: string): Promise<{ id: string; json: string }> {
  const client = new ShopClient(origin);
  const token = await client.login(developmentAdmin.email, developmentAdmin.password);
  const category = await client.json('POST', '/api/categories', { name: `bench-${Date.now()}` }, token);
  const product = await client.json(
    'POST',
    '/api/products',
    {
      sku: `BENCH-${Date.now()}`,
      name: 'Benchmark espresso machine',
      description: 'A product of typical size: name, description, price, category, stock and timestamps.',
      price: { amount: 24900, currency: 'EUR' },
      categoryId: category.id,
      initialStock: 100,
    },
    token,
  );
  const id = String(product.id);
  const json = await (await client.send('GET', `/api/products/${id}`)).text(); // also fills the cache
  return { id, json };
}

async function main(): Promise<void> {
  const logDir = join(root, '.tmp', 'bench');
  if (sections.has('http')) await httpOverhead();
  if (sections.has('reservations')) {
    const rates = await hotSkuReservations(durationSeconds, logDir);
    printRates('Hot-SKU reservations on PostgreSQL (32 concurrent transactions, pool 32)', rates);
  }
  if (sections.has('orders')) {
    const rates = [await rawOrderTransactions(durationSeconds, logDir)];
    for (const [kind, label] of [
      ['embedded', 'embedded topology (one process, SQLite)'],
      ['dapr', 'Dapr topology (a process and a daprd per service, PostgreSQL, Redis Streams)'],
    ] as Array<[TopologyKind, string]>) {
      const origin = await startTopology(kind);
      try {
        rates.push(await orderThroughput(`orders placed → Paid, ${label}`, origin, durationSeconds));
      } finally {
        await stopTopology(kind);
      }
    }
    printRates('Completed orders (placed → Paid) over HTTP, 64 concurrent clients, 20 products', rates);
  }
  if (sections.has('hub')) await hubSection(durationSeconds, join(logDir, 'hub'));
}

async function httpOverhead(): Promise<void> {
  const results: Result[] = [];
  const dataDir = join(root, '.tmp', 'bench', `data-${Date.now()}`);
  // Both servers as production runs them: bundled by esbuild, on node (no tsx loader in the request path).
  const bundles = join('.tmp', 'bench', 'dist');
  const edge = await bundleService('edge', join(root, bundles));
  await build({
    entryPoints: [join(root, 'bench/servers/bare-koa.ts')],
    outfile: join(root, bundles, 'bare-koa.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  await withServer('edge', relative(root, edge.outFile), { SHOP_DATA_DIR: dataDir }, async (port) => {
    const origin = `http://127.0.0.1:${port}`;
    const product = await seedProduct(origin);
    results.push(
      await withServer('bare-koa', join(bundles, 'bare-koa.js'), { BENCH_JSON: product.json }, (barePort) =>
        load(
          `bare Koa JSON route, the same ${product.json.length}-byte body (baseline)`,
          `http://127.0.0.1:${barePort}/`,
        ),
      ),
    );
    results.push(await load('embedded edge: cached GET /api/products/:id', `${origin}/api/products/${product.id}`));
    results.push(await load('embedded edge: GET /healthz (full host middleware)', `${origin}/healthz`));
  });
  const [baseline, ...measured] = results as [Result, ...Result[]];
  console.log(`\n## HTTP: ${connections} connections, ${durationSeconds} s each, load generator on the same machine\n`);
  console.log('| what | req/s | p50 ms | p99 ms | errors | ratio to baseline |');
  console.log('|---|---|---|---|---|---|');
  for (const r of [baseline, ...measured]) {
    const ratio = (r.requestsPerSecond / baseline.requestsPerSecond).toFixed(2);
    console.log(`| ${r.name} | ${r.requestsPerSecond} | ${r.p50Ms} | ${r.p99Ms} | ${r.errors} | ${ratio} |`);
  }
}

function printRates(title: string, rates: RateResult[]): void {
  const [baseline] = rates;
  console.log(`\n## ${title}\n`);
  console.log('| what | per second | p50 ms | p99 ms | ratio to baseline | notes |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rates) {
    const ratio = baseline ? (r.perSecond / baseline.perSecond).toFixed(2) : '-';
    console.log(
      `| ${r.name} | ${r.perSecond} | ${r.p50Ms.toFixed(1)} | ${r.p99Ms.toFixed(1)} | ${ratio} | ${r.note} |`,
    );
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
