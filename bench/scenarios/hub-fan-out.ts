// Broadcast fan-out of the hub against a bare `ws` server sending the same frames and against socket.io, in one
// run, each server alone in its process with the same number of connections from the same load generators:
// - deliveries per second: bursts of back-to-back sends, timed until every connection received every one
//   (server and receivers share the machine's two cores, so this is the whole system's rate);
// - the server's CPU time per delivery over those bursts (the server's own cost, whatever the receivers cost);
// - delivery latency at a fixed send rate: from just before a send to each connection's receipt (in turns too).
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { freePort } from '@shop/testkit/src/free-port';
import type { ProcessStats } from '../servers/ipc-commands';
import { type BenchChild, forkChild } from './hub-child';
import { ClientGroup, type ClientKind, type Latencies } from './hub-clients';

export interface FanOutResult {
  name: string;
  connections: number;
  connectSeconds: number;
  deliveriesPerSecond: number;
  serverCpuMicrosPerDelivery: number;
  clientCpuMicrosPerDelivery: number;
  latency: Latencies & { perSecond: number; lost: number };
  serverRssMb: number;
  drops: number;
}

interface Contender {
  name: string;
  server: string;
  clients: ClientKind;
  path: string;
  env?: NodeJS.ProcessEnv;
  /** The server's log file in the log directory, when its script's name would not tell it apart. */
  logName?: string;
  /** A whole platform takes longer to be ready than a bare server (migrations, every service's start). */
  startTimeoutMs?: number;
}

const serversDir = join(__dirname, '..', 'servers');
export const fanOutContenders: Contender[] = [
  {
    name: 'bare ws, the same frames, one ws.send per client (baseline)',
    server: 'ws-broadcast.ts',
    clients: 'ws',
    path: '/',
  },
  {
    name: 'hub: stock event → StockChanged to the product group (SignalR JSON over WebSockets)',
    server: 'hub-broadcast.ts',
    clients: 'signalr',
    path: '/hubs/inventory',
  },
  {
    name: 'socket.io 4 (WebSocket transport), io.emit',
    server: 'socketio-broadcast.ts',
    clients: 'socketio',
    path: '/',
  },
  {
    // What a newcomer runs: the whole platform in one process with its development defaults, fed through the REST
    // API, so that a cost only development pays (a test-time check left on) shows up next to the baseline.
    name: 'hub inside `npm start` (development): REST send to the product group',
    server: 'npm-start-broadcast.ts',
    clients: 'signalr',
    path: '/hubs/inventory',
    startTimeoutMs: 180_000,
  },
  {
    name: 'hub inside `npm start` with NODE_ENV=production: the same',
    server: 'npm-start-broadcast.ts',
    clients: 'signalr',
    path: '/hubs/inventory',
    env: { BENCH_NODE_ENV: 'production' },
    logName: 'npm-start-broadcast-production',
    startTimeoutMs: 180_000,
  },
];

/** Sends per burst: 20 × 10,000 connections of ~200-byte frames stays well inside the sockets' kernel buffers. */
const burstSends = 20;

interface Running {
  contender: Contender;
  server: BenchChild;
  clients: ClientGroup;
  connectSeconds: number;
  deliveries: number;
  elapsedMs: number;
  serverCpuMicros: number;
  clientCpuMicros: number;
}

/**
 * All contenders run at once with their connections open; their bursts take turns (A B C A B C ...), so a change
 * in the machine's speed (other work on the two cores) touches each of them alike and the ratios hold.
 */
export async function hubFanOut(options: {
  connections: number;
  seconds: number;
  latencySendsPerSecond: number;
  logDir: string;
}): Promise<FanOutResult[]> {
  const running: Running[] = [];
  try {
    for (const contender of fanOutContenders) running.push(await start(contender, options.connections, options.logDir));
    const contendersMs = () => Math.min(...running.map((r) => r.elapsedMs));
    for (let round = 0; round === 0 || contendersMs() < options.seconds * 1000; round++) {
      // The first round warms up (JIT, buffers) and is not counted.
      for (const r of running) await burst(r, round > 0);
    }
    // Latency likewise in turns: a few seconds each, until each has been sending for `seconds`.
    const sent = new Map<Running, Array<[number, number]>>(running.map((r) => [r, []]));
    for (const r of running) await r.clients.reset(true);
    const turnSeconds = Math.min(2, options.seconds);
    for (let done = 0; done < options.seconds; done += turnSeconds) {
      for (const r of running) {
        const turn = await r.server.request<Array<[number, number]>>(
          'pace',
          { perSecond: options.latencySendsPerSecond, seconds: turnSeconds },
          turnSeconds * 1000 + 60_000,
        );
        sent.get(r)?.push(...turn);
      }
    }
    const results: FanOutResult[] = [];
    for (const r of running) results.push(await totals(r, sent.get(r) ?? [], options.latencySendsPerSecond));
    return results;
  } finally {
    for (const r of running) {
      await r.clients.stop();
      await r.server.stop();
    }
  }
}

async function start(contender: Contender, connections: number, logDir: string): Promise<Running> {
  const port = await freePort();
  const productId = randomUUID();
  const server = await forkChild(
    contender.logName ?? contender.server.replace(/\.ts$/, ''),
    join(serversDir, contender.server),
    {
      env: { PORT: String(port), BENCH_PRODUCT_ID: productId, ...contender.env },
      logDir,
      startTimeoutMs: contender.startTimeoutMs,
    },
  );
  const clients = new ClientGroup(logDir);
  const running: Running = {
    contender,
    server,
    clients,
    connectSeconds: 0,
    deliveries: 0,
    elapsedMs: 0,
    serverCpuMicros: 0,
    clientCpuMicros: 0,
  };
  const opened = await clients.open(connections, {
    kind: contender.clients,
    origin: `http://127.0.0.1:${port}`,
    path: contender.path,
    productId,
  });
  running.connectSeconds = opened.seconds;
  if (opened.failed > 0) {
    await clients.stop();
    await server.stop();
    throw new Error(`${contender.name}: ${opened.failed} connections failed to open (${opened.firstError})`);
  }
  return running;
}

async function burst(r: Running, counted: boolean): Promise<void> {
  await r.clients.reset(false);
  const [serverBefore, clientsBefore] = [await r.server.request<ProcessStats>('stats'), await r.clients.status()];
  const startedMs = performance.now();
  await r.server.request('burst', { count: burstSends });
  if (!(await r.clients.awaitDeliveries(burstSends, 120_000))) {
    throw new Error(`${r.contender.name}: a burst did not reach every connection within 120 s`);
  }
  const tookMs = performance.now() - startedMs;
  const [serverAfter, clientsAfter] = [await r.server.request<ProcessStats>('stats'), await r.clients.status()];
  if (!counted) return;
  r.deliveries += burstSends * r.clients.connections;
  r.elapsedMs += tookMs;
  r.serverCpuMicros += serverAfter.cpuMicros - serverBefore.cpuMicros;
  r.clientCpuMicros += clientsAfter.cpuMicros - clientsBefore.cpuMicros;
}

async function totals(r: Running, sent: Array<[number, number]>, perSecond: number): Promise<FanOutResult> {
  await r.clients.awaitDeliveries(sent.length, 30_000);
  const latency = await r.clients.latencies(sent);
  const status = await r.clients.status();
  const serverStats = await r.server.request<ProcessStats>('stats');
  return {
    name: r.contender.name,
    connections: status.open,
    connectSeconds: r.connectSeconds,
    deliveriesPerSecond: Math.round(r.deliveries / (r.elapsedMs / 1000)),
    serverCpuMicrosPerDelivery: r.serverCpuMicros / r.deliveries,
    clientCpuMicrosPerDelivery: r.clientCpuMicros / r.deliveries,
    latency: { ...latency, perSecond, lost: sent.length * r.clients.connections - latency.count },
    serverRssMb: serverStats.rssBytes / 2 ** 20,
    drops: status.drops,
  };
}
