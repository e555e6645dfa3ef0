import { join } from 'node:path';
import { freePort, waitForPort } from '@shop/testkit/src/free-port';
import { spawnManaged } from '@shop/testkit/src/managed-process';
import autocannon from 'autocannon';
import { build } from 'esbuild';
import { bundleService } from '../../tools/bundle-service';
import { productionEnv } from './production-env';
import { developmentAdmin, ShopClient } from './shop-client';

const root = join(__dirname, '..', '..');
const connections = 100;
/** Each figure is measured in this many turns, taken in rotation with the others. */
const turns = 3;

export interface HttpResult {
  name: string;
  requestsPerSecond: number;
  /** The median of the turns' p50s. */
  p50Ms: number;
  /** The worst of the turns' p99s. */
  p99Ms: number;
  errors: number;
}

interface Target {
  name: string;
  url: string;
  requests: number;
  seconds: number;
  p50s: number[];
  p99s: number[];
  errors: number;
}

function startServer(name: string, script: string, env: NodeJS.ProcessEnv, logDir: string, port: number) {
  return spawnManaged(name, process.execPath, {
    args: [script],
    cwd: root,
    logDir,
    env: { ...process.env, ...productionEnv(), ...env, PORT: String(port) },
  });
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

const turnSecondsOf = (durationSeconds: number) => Math.max(2, Math.round(durationSeconds / turns));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/**
 * Both servers stay up the whole time and the figures take turns (A B C A B C ...), so a change in the machine's
 * speed while they run touches each alike and the ratios hold. The first figure is the baseline.
 */
export async function httpOverhead(durationSeconds: number, logDir: string): Promise<HttpResult[]> {
  const bundles = join(logDir, 'dist');
  const edge = await bundleService('edge', bundles);
  const bareKoa = join(bundles, 'bare-koa.js');
  await build({
    entryPoints: [join(root, 'bench/servers/bare-koa.ts')],
    outfile: bareKoa,
    bundle: true,
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  const [edgePort, barePort] = [await freePort(), await freePort()];
  const dataDir = join(logDir, `data-${Date.now()}`);
  const servers = [startServer('edge', edge.outFile, { SHOP_DATA_DIR: dataDir }, logDir, edgePort)];
  try {
    await waitForPort(edgePort, 60_000);
    const origin = `http://127.0.0.1:${edgePort}`;
    const product = await seedProduct(origin);
    servers.push(startServer('bare-koa', bareKoa, { BENCH_JSON: product.json }, logDir, barePort));
    await waitForPort(barePort, 60_000);
    const target = (name: string, url: string): Target => ({
      name,
      url,
      requests: 0,
      seconds: 0,
      p50s: [],
      p99s: [],
      errors: 0,
    });
    const targets = [
      target(
        `bare Koa JSON route, the same ${product.json.length}-byte body (baseline)`,
        `http://127.0.0.1:${barePort}/`,
      ),
      target('embedded edge: cached GET /api/products/:id', `${origin}/api/products/${product.id}`),
      target('embedded edge: GET /healthz (full host middleware)', `${origin}/healthz`),
    ];
    for (const { url } of targets) await autocannon({ url, connections, duration: 2 }); // warm-up: JIT, pools
    const turnSeconds = turnSecondsOf(durationSeconds);
    for (let turn = 0; turn < turns; turn++) {
      for (const t of targets) {
        const result = await autocannon({ url: t.url, connections, duration: turnSeconds });
        t.requests += result.requests.total;
        t.seconds += result.duration;
        t.p50s.push(result.latency.p50);
        t.p99s.push(result.latency.p99);
        t.errors += result.errors + result.non2xx;
      }
    }
    return targets.map((t) => ({
      name: t.name,
      requestsPerSecond: Math.round(t.requests / t.seconds),
      p50Ms: median(t.p50s),
      p99Ms: Math.max(...t.p99s),
      errors: t.errors,
    }));
  } finally {
    for (const server of servers.reverse()) await server.stop();
  }
}

export function printHttpOverhead(results: HttpResult[], durationSeconds: number): void {
  const [baseline] = results;
  if (!baseline) return;
  const seconds = turns * turnSecondsOf(durationSeconds);
  console.log(
    `\n## HTTP: ${connections} connections, ${seconds} s each in ${turns} turns, load generator on the same machine\n`,
  );
  console.log('| what | req/s | p50 ms | p99 ms | errors | ratio to baseline |');
  console.log('|---|---|---|---|---|---|');
  for (const r of results) {
    const ratio = (r.requestsPerSecond / baseline.requestsPerSecond).toFixed(2);
    console.log(`| ${r.name} | ${r.requestsPerSecond} | ${r.p50Ms} | ${r.p99Ms} | ${r.errors} | ${ratio} |`);
  }
}
