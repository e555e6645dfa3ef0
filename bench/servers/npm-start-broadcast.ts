// The hub as `npm start` runs it: the whole embedded platform (services/edge/src/main.ts, every service in one
// process, with the development defaults a newcomer gets unless BENCH_NODE_ENV names a NODE_ENV), started as its own
// process; this controller sends each StockChanged to the product's group through the hub's Azure REST API, as an
// application server would, and its `stats` are the platform process's, not its own. Forked by
// bench/scenarios/hub-fan-out.ts, beside the bare ws server it is compared with.
import { mkdtempSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { developmentHubAccessKey } from '@shop/kit';
import { spawnManaged } from '@shop/testkit/src/managed-process';
import jwt from 'jsonwebtoken';
import { readProcStat } from '../scenarios/proc-stat';
import { productionEnv } from '../scenarios/production-env';
import { controlBroadcasts, type StockMessage } from './broadcast-control';
import type { ProcessStats } from './ipc-commands';

const root = join(__dirname, '..', '..');
const clientPort = Number(process.env.PORT);
const productId = String(process.env.BENCH_PRODUCT_ID);
/** The platform's NODE_ENV: none (npm start's development default) unless the contender names one. */
const nodeEnv = process.env.BENCH_NODE_ENV;
const production = nodeEnv === 'production';

/** The platform's CPU time (its own threads'), memory and open files, from /proc. */
async function platformStats(pid: number): Promise<ProcessStats> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return {
    rssBytes: Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1]) * 1024,
    heapUsedBytes: Number.NaN,
    cpuMicros: readProcStat(pid).ownCpuMicros,
    openFiles: (await readdir(`/proc/${pid}/fd`)).length,
  };
}

async function waitUntilReady(origin: string, exited: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 170_000; Date.now() < deadline && !exited(); ) {
    const status = await fetch(`${origin}/readyz`).then(
      (res) => res.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`npm start's platform did not become ready at ${origin}`);
}

async function main(): Promise<void> {
  const origin = `http://127.0.0.1:${clientPort}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // Production requires an SMTP server; nothing in this benchmark sends an email, so none listens there.
    ...(production ? { ...productionEnv(), SMTP_URL: 'smtp://127.0.0.1:9' } : {}),
    PORT: String(clientPort),
    SHOP_DATA_DIR: mkdtempSync(join(tmpdir(), 'bench-npm-start-')),
    // Demo data only adds a seeding burst at start; the broadcasts do not read it.
    SHOP_DEMO_DATA: 'false',
  };
  if (nodeEnv) env.NODE_ENV = nodeEnv;
  else delete env.NODE_ENV;
  delete env.BENCH_NODE_ENV;
  delete env.BENCH_PRODUCT_ID;
  // Node itself, not the tsx wrapper, so that the pid is the platform's process.
  const platform = spawnManaged('npm-start-platform', process.execPath, {
    args: ['--import', 'tsx', join(root, 'services', 'edge', 'src', 'main.ts')],
    cwd: root,
    env,
    logDir: join(tmpdir(), `bench-npm-start-log-${clientPort}`),
  });
  const stop = () => void platform.stop(15_000).then(() => process.exit(0));
  // A SIGTERM would otherwise end this process without its exit handlers, leaving the platform running.
  process.once('SIGTERM', stop);
  await waitUntilReady(origin, () => platform.child.exitCode !== null);

  const path = `/api/v1/hubs/inventory/groups/${encodeURIComponent(`stock:${productId}`)}`;
  const key = production ? String(env.HUB_ACCESS_KEY) : developmentHubAccessKey;
  const token = jwt.sign({ aud: `${origin}${path}` }, key, { algorithm: 'HS256', expiresIn: '2h' });
  controlBroadcasts(
    {
      async broadcast(message: StockMessage) {
        const res = await fetch(`${origin}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ target: 'StockChanged', arguments: [message] }),
        });
        if (res.status !== 202) throw new Error(`the REST send answered ${res.status}: ${await res.text()}`);
      },
    },
    productId,
    () => platformStats(platform.child.pid as number),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
