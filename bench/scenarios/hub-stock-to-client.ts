// The hub inside the whole platform (the embedded topology, `npm start`): stock adjustments made through the
// API reach thousands of `/hubs/inventory` subscribers, timed from just before the admin's POST to each
// subscriber's receipt of StockChanged; then the platform process holds as many connections as its 20,000 open
// files allow, through the keep-alive and client-timeout periods, and one more adjustment must reach them all.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, waitForPort } from '@shop/testkit/src/free-port';
import { spawnManaged } from '@shop/testkit/src/managed-process';
import { nowMs } from '../servers/broadcast-control';
import { ClientGroup, type Latencies } from './hub-clients';

const root = join(__dirname, '..', '..');

export interface StockToClientResult {
  subscribers: number;
  connectSeconds: number;
  adjustments: number;
  adjustmentsPerSecond: number;
  /** The admin's POST alone, request to response. */
  adjustmentHttpP50Ms: number;
  latency: Latencies & { lost: number };
  held: {
    connections: number;
    open: number;
    drops: number;
    closeMessages: number;
    seconds: number;
    platformRssMb: number;
    platformOpenFiles: number;
    clientProcessMaxOpenFiles: number;
    /** One adjustment after the hold: how many connections received it, and how fast. */
    reached: number;
    latency: Latencies;
  };
}

interface Admin {
  origin: string;
  token: string;
}

async function post(admin: Admin | { origin: string; token?: string }, path: string, body: unknown) {
  const res = await fetch(`${admin.origin}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(admin.token ? { authorization: `Bearer ${admin.token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

/** A product made by the admin through the API, once the inventory holds its stock. */
async function productWithStock(admin: Admin, stock: number): Promise<string> {
  const category = await post(admin, '/api/categories', { name: `hub-bench-${Date.now()}` });
  const product = await post(admin, '/api/products', {
    sku: `HUB-BENCH-${Date.now()}`,
    name: 'Hub benchmark kettle',
    price: { amount: 3900, currency: 'EUR' },
    categoryId: category.id,
    initialStock: stock,
  });
  const id = String(product.id);
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
    if ((await fetch(`${admin.origin}/api/inventory/${id}`)).status === 200) return id;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the inventory never held product ${id}`);
}

async function processFootprint(pid: number) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? Number.NaN);
  return { rssMb: rssKb / 1024, openFiles: (await readdir(`/proc/${pid}/fd`)).length };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

export async function hubStockToClient(options: {
  subscribers: number;
  heldConnections: number;
  seconds: number;
  adjustmentsPerSecond: number;
  holdSeconds: number;
  logDir: string;
}): Promise<StockToClientResult> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  // Node itself, not the tsx wrapper, so that the pid is the platform's process.
  const platform = spawnManaged('hub-bench-platform', process.execPath, {
    args: ['--import', 'tsx', join(root, 'services', 'edge', 'src', 'main.ts')],
    cwd: root,
    logDir: options.logDir,
    env: {
      ...process.env,
      PORT: String(port),
      SHOP_DATA_DIR: join(options.logDir, `platform-data-${Date.now()}`),
      LOG_LEVEL: 'warn',
    },
  });
  const clients = new ClientGroup(options.logDir);
  try {
    await waitForPort(port, 60_000);
    const login = await post({ origin }, '/api/auth/login', {
      email: process.env.SHOP_ADMIN_EMAIL ?? 'admin@shop.local',
      password: process.env.SHOP_ADMIN_PASSWORD ?? 'admin-dev-password',
    });
    const admin: Admin = { origin, token: String(login.accessToken) };
    const initialStock = 1_000;
    const productId = await productWithStock(admin, initialStock);
    const subscribe = { kind: 'signalr' as const, origin, path: '/hubs/inventory', productId };

    const opened = await clients.open(options.subscribers, subscribe);
    if (opened.failed > 0) throw new Error(`${opened.failed} subscribers failed to connect (${opened.firstError})`);

    // Each adjustment adds one unit, so its onHand names it at the receivers.
    const adjust = async () => {
      const startedMs = nowMs();
      const levels = await post(admin, `/api/inventory/${productId}/adjustments`, { delta: 1, reason: 'hub bench' });
      return { onHand: Number(levels.onHand), startedMs, httpMs: nowMs() - startedMs };
    };
    await clients.reset(true);
    const count = Math.max(1, Math.round(options.seconds * options.adjustmentsPerSecond));
    const sent: Array<[number, number]> = [];
    const httpMs: number[] = [];
    const scheduleStartMs = nowMs();
    for (let i = 0; i < count; i++) {
      await sleep(scheduleStartMs + (i * 1000) / options.adjustmentsPerSecond - nowMs());
      const done = await adjust();
      sent.push([done.onHand, done.startedMs]);
      httpMs.push(done.httpMs);
    }
    await clients.awaitDeliveries(count, 30_000);
    const latency = await clients.latencies(sent);

    const more = options.heldConnections - options.subscribers;
    if (more > 0) {
      const added = await clients.open(more, subscribe);
      if (added.failed > 0) throw new Error(`${added.failed} more connections failed (${added.firstError})`);
    }
    await sleep(options.holdSeconds * 1000);
    const afterHold = await clients.status();
    const footprint = await processFootprint(platform.child.pid as number);
    await clients.reset(true);
    const last = await adjust();
    await clients.awaitDeliveries(1, 30_000);
    const heldLatency = await clients.latencies([[last.onHand, last.startedMs]]);

    httpMs.sort((a, b) => a - b);
    return {
      subscribers: options.subscribers,
      connectSeconds: opened.seconds,
      adjustments: count,
      adjustmentsPerSecond: options.adjustmentsPerSecond,
      adjustmentHttpP50Ms: httpMs[Math.floor(httpMs.length / 2)] ?? Number.NaN,
      latency: { ...latency, lost: count * options.subscribers - latency.count },
      held: {
        connections: afterHold.connections,
        open: afterHold.open,
        drops: afterHold.drops,
        closeMessages: afterHold.closeMessages,
        seconds: options.holdSeconds,
        platformRssMb: footprint.rssMb,
        platformOpenFiles: footprint.openFiles,
        clientProcessMaxOpenFiles: afterHold.openFiles,
        reached: heldLatency.count,
        latency: heldLatency,
      },
    };
  } finally {
    await clients.stop();
    await platform.stop(30_000);
  }
}
