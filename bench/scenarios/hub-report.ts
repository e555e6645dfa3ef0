// The `hub` section of `npm run bench`: fan-out against bare ws and socket.io, stock change → client through the
// whole platform, connections held by one process, and the same latencies with the subscribers split over two hub
// replicas; printed as Markdown tables next to their goals.
import type { Latencies } from './hub-clients';
import { type FanOutResult, hubFanOut } from './hub-fan-out';
import { hubStockToClient } from './hub-stock-to-client';
import { hubStockToClientOverReplicas } from './hub-stock-to-client-replicas';
import { hubTwoReplicas } from './hub-two-replicas';

const settings = {
  /** Connections per server in the fan-out comparison, and subscribers of the stock latency run. */
  subscribers: Number(process.env.BENCH_HUB_SUBSCRIBERS ?? 10_000),
  /** Connections one platform process must hold (its open-file limit is 20,000). */
  heldConnections: Number(process.env.BENCH_HUB_HELD ?? 19_000),
  /** Past the keep-alive (15 s) and the client timeout (30 s), so pings both ways keep every connection up. */
  holdSeconds: Number(process.env.BENCH_HUB_HOLD_SECONDS ?? 35),
  latencySendsPerSecond: Number(process.env.BENCH_HUB_SENDS_PER_SECOND ?? 5),
  adjustmentsPerSecond: Number(process.env.BENCH_HUB_ADJUSTMENTS_PER_SECOND ?? 2),
  /** Connections per replica in the two-replica run. */
  replicaConnections: Number(process.env.BENCH_HUB_REPLICA_CONNECTIONS ?? 19_000),
  replicaSends: 5,
  /** Replicas the latency runs split the subscribers over (the stock run in the Dapr topology, the send run). */
  latencyReplicas: 2,
};

const replicaLabel = (perReplica: number) =>
  `two hub replicas, ${thousands(perReplica)} subscribers each, Redis backplane`;

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : '-');
const thousands = (value: number) => Math.round(value).toLocaleString('en-US');

/** The fan-out comparison alone (`BENCH_ONLY=hub-fan-out`); answers its rows, the bare ws baseline first. */
export async function hubFanOutSection(seconds: number, logDir: string): Promise<FanOutResult[]> {
  const fanOut = await hubFanOut({
    connections: settings.subscribers,
    seconds,
    latencySendsPerSecond: settings.latencySendsPerSecond,
    logDir,
  });
  const [baseline, hub, socketIo, npmStart, npmStartProduction] = fanOut;
  console.log(
    `\n## Hub fan-out: ${thousands(settings.subscribers)} WebSocket connections per server, receivers in their own processes on the same 2 cores\n`,
  );
  console.log(
    `Deliveries/s: bursts of back-to-back sends until every connection has each, ${seconds} s per server, taking turns. ` +
      `Latency: ${settings.latencySendsPerSecond} sends/s for ${seconds} s per server in 2 s turns, from just before ` +
      'the send to receipt.\n',
  );
  console.log(
    '| what | deliveries/s | ratio to baseline | server CPU µs/delivery | receivers CPU µs/delivery | latency p50 ms | p99 ms | max ms | lost | connect s | server RSS MB |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of fanOut) {
    const ratio = baseline ? (r.deliveriesPerSecond / baseline.deliveriesPerSecond).toFixed(2) : '-';
    console.log(
      `| ${r.name} | ${thousands(r.deliveriesPerSecond)} | ${ratio} | ${r.serverCpuMicrosPerDelivery.toFixed(1)} | ` +
        `${r.clientCpuMicrosPerDelivery.toFixed(1)} | ${ms(r.latency.p50Ms)} | ${ms(r.latency.p99Ms)} | ` +
        `${ms(r.latency.maxMs)} | ${r.latency.lost} | ${r.connectSeconds.toFixed(1)} | ${r.serverRssMb.toFixed(0)} |`,
    );
  }
  if (baseline && hub && socketIo) {
    const toWs = hub.deliveriesPerSecond / baseline.deliveriesPerSecond;
    const toSocketIo = hub.deliveriesPerSecond / socketIo.deliveriesPerSecond;
    console.log(
      `\nhub ÷ bare ws: ${toWs.toFixed(2)} (goal ≥ 0.9); hub ÷ socket.io: ${toSocketIo.toFixed(2)} (goal ≥ 2); ` +
        `hub p99 at ${thousands(settings.subscribers)}: ${ms(hub.latency.p99Ms)} ms (goal ≤ 150)`,
    );
  }
  if (baseline && npmStart && npmStartProduction) {
    const ratio = (r: FanOutResult) => (r.deliveriesPerSecond / baseline.deliveriesPerSecond).toFixed(2);
    console.log(
      `npm start ÷ bare ws: ${ratio(npmStart)} in development, ${ratio(npmStartProduction)} with NODE_ENV=production ` +
        '(goal: development as fast as production)',
    );
  }
  return fanOut;
}

export async function hubSection(seconds: number, logDir: string): Promise<void> {
  const [baseline, hub] = await hubFanOutSection(seconds, logDir);
  const stock = await hubStockToClient({ ...settings, seconds, logDir });
  console.log(
    `\n## Hub in the platform (embedded topology): stock adjustment → StockChanged, ${thousands(stock.subscribers)} subscribers\n`,
  );
  console.log(
    `${stock.adjustments} admin adjustments (POST /api/inventory/:id/adjustments, ${stock.adjustmentsPerSecond}/s), ` +
      'timed from just before the POST to each subscriber receiving its StockChanged.\n',
  );
  console.log('| subscribers | deliveries | min ms | p50 ms | p99 ms | max ms | lost | POST alone p50 ms |');
  console.log('|---|---|---|---|---|---|---|---|');
  const l = stock.latency;
  console.log(
    `| ${thousands(stock.subscribers)} | ${thousands(l.count)} | ${ms(l.minMs)} | ${ms(l.p50Ms)} | ${ms(l.p99Ms)} | ` +
      `${ms(l.maxMs)} | ${l.lost} | ${ms(stock.adjustmentHttpP50Ms)} |`,
  );
  console.log(`\nGoal: p50 ≤ 50 ms, p99 ≤ 250 ms at 10,000 subscribers.`);

  const held = stock.held;
  console.log(`\n## Hub in the platform: connections held by one process (open-file limit 20,000 per process)\n`);
  console.log(
    '| connections | held s | open after | dropped | Close received | platform RSS MB | platform open files | reached by one adjustment | its p50 / p99 ms |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  console.log(
    `| ${thousands(held.connections)} | ${held.seconds} | ${thousands(held.open)} | ${held.drops} | ${held.closeMessages} | ` +
      `${held.platformRssMb.toFixed(0)} | ${thousands(held.platformOpenFiles)} | ${thousands(held.reached)} | ` +
      `${ms(held.latency.p50Ms)} / ${ms(held.latency.p99Ms)} |`,
  );

  const perReplica = Math.round(settings.subscribers / settings.latencyReplicas);
  const overReplicas = await hubStockToClientOverReplicas({
    replicas: settings.latencyReplicas,
    subscribersPerReplica: perReplica,
    seconds,
    adjustmentsPerSecond: settings.adjustmentsPerSecond,
    logDir,
  });
  console.log(
    `\n## Hub in the platform, Dapr topology: stock adjustment → StockChanged, ${replicaLabel(perReplica)}\n`,
  );
  console.log(
    'Every service its own process beside its own daprd (PostgreSQL, Redis Streams), the hub as two processes of the ' +
      'app id `hub`; half of the subscribers connect straight to each replica, as a load balancer with sticky ' +
      `sessions spreads them. ${overReplicas.adjustments} admin adjustments through the gateway ` +
      `(${overReplicas.adjustmentsPerSecond}/s); Dapr hands each stock event to one replica, the backplane brings it ` +
      'to the other. Every subscriber was told the current stock on subscribing.\n',
  );
  console.log(
    '| subscribers | deliveries | min ms | p50 ms | p99 ms | max ms | lost | held back ≥ 250 ms | POST alone p50 ms |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  const r = overReplicas.latency;
  console.log(
    `| ${thousands(overReplicas.subscribers)} | ${thousands(r.count)} | ${ms(r.minMs)} | ${ms(r.p50Ms)} | ` +
      `${ms(r.p99Ms)} | ${ms(r.maxMs)} | ${r.lost} | ${overReplicas.heldBack} | ${ms(overReplicas.adjustmentHttpP50Ms)} |`,
  );

  const two = await hubTwoReplicas({
    connectionsPerReplica: settings.replicaConnections,
    holdSeconds: settings.holdSeconds,
    sends: settings.replicaSends,
    paced: { connectionsPerReplica: perReplica, sendsPerSecond: settings.latencySendsPerSecond, seconds },
    logDir,
  });
  console.log(
    `\n## Hub: two replicas behind the Redis backplane, ${thousands(settings.replicaConnections)} subscribers each\n`,
  );
  console.log(
    `Both replicas hold their connections for ${two.heldSeconds} s; then ${two.sends} stock events (1/s) reach replica A ` +
      'only, as Dapr hands an event to one replica, and must reach every subscriber of both exactly once.\n',
  );
  console.log(
    '| connections | open after hold | dropped | deliveries (expected) | p50 ms | p99 ms | max ms | replica RSS MB | replica open files | connect s |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  console.log(
    `| ${thousands(two.connections)} | ${thousands(two.open)} | ${two.drops} | ${thousands(two.deliveries)} ` +
      `(${thousands(two.sends * two.connections)}) | ${ms(two.latency.p50Ms)} | ${ms(two.latency.p99Ms)} | ` +
      `${ms(two.latency.maxMs)} | ${two.replicas.map((r) => r.rssMb.toFixed(0)).join(' + ')} | ` +
      `${two.replicas.map((r) => thousands(r.openFiles)).join(' + ')} | ${two.connectSeconds.toFixed(1)} |`,
  );

  const paced = two.paced;
  console.log(`\n## Hub latency at ${thousands(settings.subscribers)} subscribers: one process and two replicas\n`);
  console.log(
    `Delivery: ${settings.latencySendsPerSecond} sends/s for ${seconds} s, from just before the send to receipt; with ` +
      'two replicas every send enters at replica A (as Dapr hands an event to one replica) and reaches B through ' +
      'Redis. Stock change: admin POST to receipt of StockChanged, as above.\n',
  );
  console.log('| what | setup | deliveries | p50 ms | p99 ms | max ms | lost | goal |');
  console.log('|---|---|---|---|---|---|---|---|');
  const row = (what: string, setup: string, l: Latencies & { lost?: number }, goal: string) =>
    console.log(
      `| ${what} | ${setup} | ${thousands(l.count)} | ${ms(l.p50Ms)} | ${ms(l.p99Ms)} | ${ms(l.maxMs)} | ` +
        `${l.lost ?? '-'} | ${goal} |`,
    );
  if (baseline) row('delivery', 'bare ws, one process (baseline)', baseline.latency, '—');
  if (hub) row('delivery', 'hub, one process', hub.latency, 'p99 ≤ 150 ms');
  row('delivery', replicaLabel(paced.connectionsPerReplica), paced.latency, 'p99 ≤ 150 ms');
  for (const [index, latency] of paced.byReplica.entries()) {
    row('delivery', `… of which replica ${index === 0 ? 'A (the sender)' : 'B (through Redis)'}`, latency, '');
  }
  row('stock change → client', 'embedded platform, one process', stock.latency, 'p50 ≤ 50, p99 ≤ 250 ms');
  row(
    'stock change → client',
    `Dapr topology, ${replicaLabel(overReplicas.subscribersPerReplica)}`,
    overReplicas.latency,
    'p50 ≤ 50, p99 ≤ 250 ms',
  );
}
