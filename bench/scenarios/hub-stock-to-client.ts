// The hub inside the whole platform (the embedded topology, `npm start`): stock adjustments made through the
// API reach thousands of `/hubs/inventory` subscribers, timed from just before the admin's POST to each
// subscriber's receipt of StockChanged; then the platform process holds as many connections as its 20,000 open
// files allow, through the keep-alive and client-timeout periods, and one more adjustment must reach them all.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, waitForPort } from '@shop/testkit/src/free-port';
import { spawnManaged } from '@shop/testkit/src/managed-process';
import { nowMs } from '../servers/broadcast-control';
import { ClientGroup, type Latencies, percentiles } from './hub-clients';

const root = join(__dirname, '..', '..');

/** Stock adjustments made through the API, timed to each subscriber's receipt of the StockChanged they cause. */
export interface StockLatency {
  subscribers: number;
  connectSeconds: number;
  adjustments: number;
  adjustmentsPerSecond: number;
  /** The admin's POST alone, request to response. */
  adjustmentHttpP50Ms: number;
  latency: Latencies & { lost: number };
  /**
   * Adjustments that reached a load-generator process's subscribers (all on one hub process) first after the stock
   * feed's reorder window or later: a change held back for a version that never came. None is expected.
   */
  heldBack: number;
}

export interface StockToClientResult extends StockLatency {
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

export interface Admin {
  origin: string;
  token: string;
}

/** How long the hub's stock feed holds a change that skips a version (services/hub/src/hubs/stock-feed.ts). */
const reorderWindowMs = 250;

async function post(admin: Admin | { origin: string; token?: string }, path: string, body: unknown) {
  const res = await fetch(`${admin.origin}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(admin.token ? { authorization: `Bearer ${admin.token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

/** The development admin, signed in at the platform's origin. */
export async function signInAdmin(origin: string): Promise<Admin> {
  const login = await post({ origin }, '/api/auth/login', {
    email: process.env.SHOP_ADMIN_EMAIL ?? 'admin@shop.local',
    password: process.env.SHOP_ADMIN_PASSWORD ?? 'admin-dev-password',
  });
  return { origin, token: String(login.accessToken) };
}

/** A product made by the admin through the API, once the inventory holds its stock. */
export async function productWithStock(admin: Admin, stock: number): Promise<string> {
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

/** One admin adjustment of one unit; its onHand names it at the receivers. */
export function stockAdjuster(admin: Admin, productId: string) {
  return async () => {
    const startedMs = nowMs();
    const levels = await post(admin, `/api/inventory/${productId}/adjustments`, { delta: 1, reason: 'hub bench' });
    return { onHand: Number(levels.onHand), startedMs, httpMs: nowMs() - startedMs };
  };
}

async function processFootprint(pid: number) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? Number.NaN);
  return { rssMb: rssKb / 1024, openFiles: (await readdir(`/proc/${pid}/fd`)).length };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * Subscribes `subscribers` connections at each hub origin to the product, checks that each was told the stock the
 * inventory holds (so no subscriber starts from a stale state that a later change would have to be held behind),
 * then makes `seconds × adjustmentsPerSecond` adjustments at that rate and times each one to every subscriber.
 */
export async function subscribeAndAdjust(options: {
  admin: Admin;
  productId: string;
  clients: ClientGroup;
  hubs: Array<{ origin: string; subscribers: number }>;
  seconds: number;
  adjustmentsPerSecond: number;
}): Promise<StockLatency> {
  const { admin, productId, clients } = options;
  const levels = (await (await fetch(`${admin.origin}/api/inventory/${productId}`)).json()) as { onHand: number };
  let connectSeconds = 0;
  for (const hub of options.hubs) {
    const opened = await clients.open(hub.subscribers, {
      kind: 'signalr',
      origin: hub.origin,
      path: '/hubs/inventory',
      productId,
    });
    if (opened.failed > 0) throw new Error(`${opened.failed} subscribers failed to connect (${opened.firstError})`);
    connectSeconds += opened.seconds;
  }
  const subscribers = options.hubs.reduce((sum, hub) => sum + hub.subscribers, 0);
  const told = await clients.snapshots();
  if (told.get(levels.onHand) !== subscribers) {
    throw new Error(
      `of ${subscribers} subscribers ${told.get(levels.onHand) ?? 0} were told the current onHand ${levels.onHand} ` +
        `on subscribing (told: ${JSON.stringify([...told])})`,
    );
  }

  const adjust = stockAdjuster(admin, productId);
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
  const recorded = await clients.deliveries(sent, reorderWindowMs);
  const latency = percentiles(recorded.buckets);
  httpMs.sort((a, b) => a - b);
  return {
    subscribers,
    connectSeconds,
    adjustments: count,
    adjustmentsPerSecond: options.adjustmentsPerSecond,
    adjustmentHttpP50Ms: httpMs[Math.floor(httpMs.length / 2)] ?? Number.NaN,
    latency: { ...latency, lost: count * subscribers - latency.count },
    heldBack: recorded.lateFirstArrivals,
  };
}

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
      SHOP_DEMO_DATA: 'false',
    },
  });
  const clients = new ClientGroup(options.logDir);
  try {
    await waitForPort(port, 60_000);
    const admin = await signInAdmin(origin);
    const productId = await productWithStock(admin, 1_000);
    const measured = await subscribeAndAdjust({
      admin,
      productId,
      clients,
      hubs: [{ origin, subscribers: options.subscribers }],
      seconds: options.seconds,
      adjustmentsPerSecond: options.adjustmentsPerSecond,
    });

    const more = options.heldConnections - options.subscribers;
    if (more > 0) {
      const added = await clients.open(more, { kind: 'signalr', origin, path: '/hubs/inventory', productId });
      if (added.failed > 0) throw new Error(`${added.failed} more connections failed (${added.firstError})`);
    }
    await sleep(options.holdSeconds * 1000);
    const afterHold = await clients.status();
    const footprint = await processFootprint(platform.child.pid as number);
    await clients.reset(true);
    const last = await stockAdjuster(admin, productId)();
    await clients.awaitDeliveries(1, 30_000);
    const heldLatency = await clients.latencies([[last.onHand, last.startedMs]]);

    return {
      ...measured,
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
