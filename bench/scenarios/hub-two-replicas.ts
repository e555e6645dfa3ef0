// Two hub replicas behind the Redis backplane (HUB_REDIS_HOST, a real redis-server). First delivery latency with
// 5,000 subscribers on each at the fixed send rate of the single-process latency run (hub-fan-out.ts); then each
// replica holds as many subscribers as its 20,000 open files allow. Every send goes to replica A only, as Dapr hands
// each event to one replica, and must reach the subscribers of both, each exactly once.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { freePort } from '@shop/testkit/src/free-port';
import { startRedis } from '@shop/testkit/src/redis';
import type { ProcessStats } from '../servers/ipc-commands';
import { type BenchChild, forkChild } from './hub-child';
import { addBuckets, ClientGroup, type ClientStatus, combinedStatus, type Latencies, percentiles } from './hub-clients';

export interface TwoReplicasResult {
  connections: number;
  open: number;
  drops: number;
  closeMessages: number;
  connectSeconds: number;
  heldSeconds: number;
  replicas: Array<{ rssMb: number; openFiles: number }>;
  sends: number;
  /** Deliveries of those sends over both replicas' connections; each connection must get each send once. */
  deliveries: number;
  latency: Latencies;
  /** The latency run before the hold. */
  paced: {
    connectionsPerReplica: number;
    sendsPerSecond: number;
    sends: number;
    latency: Latencies & { lost: number };
    /** Replica A's subscribers (the sends' replica), then B's (reached through the backplane). */
    byReplica: Latencies[];
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Sends of the warm-up burst before the latency run (as hub-fan-out.ts's uncounted first round). */
const warmUpSends = 20;

export async function hubTwoReplicas(options: {
  connectionsPerReplica: number;
  holdSeconds: number;
  sends: number;
  paced: { connectionsPerReplica: number; sendsPerSecond: number; seconds: number };
  logDir: string;
}): Promise<TwoReplicasResult> {
  const redis = await startRedis({ logDir: options.logDir, name: 'hub-backplane-redis' });
  const productId = randomUUID();
  const replicas: Array<{ server: BenchChild; port: number; clients: ClientGroup }> = [];
  const everyone = () => replicas.map(({ clients }) => clients);
  try {
    for (const name of ['hub-replica-a', 'hub-replica-b']) {
      const port = await freePort();
      const server = await forkChild(name, join(__dirname, '..', 'servers', 'hub-broadcast.ts'), {
        env: { PORT: String(port), BENCH_PRODUCT_ID: productId, HUB_REDIS_HOST: redis.url },
        logDir: options.logDir,
      });
      replicas.push({ server, port, clients: new ClientGroup(options.logDir) });
    }
    const [first] = replicas;
    if (!first) throw new Error('no replica started');
    let connectSeconds = 0;
    const connect = async (perReplica: number) => {
      for (const { port, clients } of replicas) {
        if (perReplica <= 0) continue;
        const opened = await clients.open(perReplica, {
          kind: 'signalr',
          origin: `http://127.0.0.1:${port}`,
          path: '/hubs/inventory',
          productId,
        });
        if (opened.failed > 0) throw new Error(`${opened.failed} connections failed to open (${opened.firstError})`);
        connectSeconds += opened.seconds;
      }
    };

    await connect(options.paced.connectionsPerReplica);
    await Promise.all(everyone().map((clients) => clients.reset(false)));
    await first.server.request('burst', { count: warmUpSends });
    await Promise.all(everyone().map((clients) => clients.awaitDeliveries(warmUpSends, 60_000)));
    await Promise.all(everyone().map((clients) => clients.reset(true)));
    const pacedSent = await first.server.request<Array<[number, number]>>(
      'pace',
      { perSecond: options.paced.sendsPerSecond, seconds: options.paced.seconds },
      options.paced.seconds * 1000 + 60_000,
    );
    await Promise.all(everyone().map((clients) => clients.awaitDeliveries(pacedSent.length, 30_000)));
    const byReplica = await Promise.all(
      everyone().map(async (clients) => (await clients.deliveries(pacedSent)).buckets),
    );
    const pacedLatency = percentiles(byReplica.reduce((all, buckets) => addBuckets(all, buckets), new Map()));
    const pacedConnections = options.paced.connectionsPerReplica * replicas.length;

    await connect(options.connectionsPerReplica - options.paced.connectionsPerReplica);
    await sleep(options.holdSeconds * 1000);
    const held = await statusOf(everyone());
    const footprints = await Promise.all(replicas.map(({ server }) => server.request<ProcessStats>('stats')));

    // The events go to replica A only, as Dapr hands each event to one replica of an app.
    await Promise.all(everyone().map((clients) => clients.reset(true)));
    const sent = await first.server.request<Array<[number, number]>>(
      'pace',
      { perSecond: 1, seconds: options.sends },
      options.sends * 1000 + 60_000,
    );
    await Promise.all(everyone().map((clients) => clients.awaitDeliveries(sent.length, 30_000)));
    // Anything beyond one delivery per send and connection would be a duplicate: give it time to show.
    await sleep(1_000);
    const latency = percentiles(
      (await Promise.all(everyone().map(async (clients) => (await clients.deliveries(sent)).buckets))).reduce(
        (all, buckets) => addBuckets(all, buckets),
        new Map(),
      ),
    );
    const after = await statusOf(everyone());
    return {
      connections: held.connections,
      open: held.open,
      drops: after.drops,
      closeMessages: after.closeMessages,
      connectSeconds,
      heldSeconds: options.holdSeconds,
      replicas: footprints.map((stats) => ({ rssMb: stats.rssBytes / 2 ** 20, openFiles: stats.openFiles })),
      sends: sent.length,
      deliveries: after.deliveries,
      latency,
      paced: {
        connectionsPerReplica: options.paced.connectionsPerReplica,
        sendsPerSecond: options.paced.sendsPerSecond,
        sends: pacedSent.length,
        latency: { ...pacedLatency, lost: pacedSent.length * pacedConnections - pacedLatency.count },
        byReplica: byReplica.map(percentiles),
      },
    };
  } finally {
    for (const { clients } of replicas) await clients.stop();
    for (const { server } of replicas) await server.stop();
    await redis.stop();
  }
}

/** The load generators of several groups as one. */
async function statusOf(groups: ClientGroup[]): Promise<ClientStatus> {
  return combinedStatus(await Promise.all(groups.map((clients) => clients.status())));
}
