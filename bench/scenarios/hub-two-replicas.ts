// Two hub replicas behind the Redis backplane (HUB_REDIS_HOST, a real redis-server), each holding as many
// subscribers as its 20,000 open files allow; a stock event that one replica receives must reach the subscribers
// of both, each exactly once.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { freePort } from '@shop/testkit/src/free-port';
import { startRedis } from '@shop/testkit/src/redis';
import type { ProcessStats } from '../servers/ipc-commands';
import { type BenchChild, forkChild } from './hub-child';
import { ClientGroup, type Latencies } from './hub-clients';

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
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function hubTwoReplicas(options: {
  connectionsPerReplica: number;
  holdSeconds: number;
  sends: number;
  logDir: string;
}): Promise<TwoReplicasResult> {
  const redis = await startRedis({ logDir: options.logDir, name: 'hub-backplane-redis' });
  const productId = randomUUID();
  const replicas: Array<{ server: BenchChild; port: number }> = [];
  const clients = new ClientGroup(options.logDir);
  try {
    for (const name of ['hub-replica-a', 'hub-replica-b']) {
      const port = await freePort();
      const server = await forkChild(name, join(__dirname, '..', 'servers', 'hub-broadcast.ts'), {
        env: { PORT: String(port), BENCH_PRODUCT_ID: productId, HUB_REDIS_HOST: redis.url },
        logDir: options.logDir,
      });
      replicas.push({ server, port });
    }
    let connectSeconds = 0;
    for (const { port } of replicas) {
      const opened = await clients.open(options.connectionsPerReplica, {
        kind: 'signalr',
        origin: `http://127.0.0.1:${port}`,
        path: '/hubs/inventory',
        productId,
      });
      if (opened.failed > 0) throw new Error(`${opened.failed} connections failed to open (${opened.firstError})`);
      connectSeconds += opened.seconds;
    }
    await sleep(options.holdSeconds * 1000);
    const held = await clients.status();
    const footprints = await Promise.all(replicas.map(({ server }) => server.request<ProcessStats>('stats')));

    // The events go to replica A only, as Dapr hands each event to one replica of an app.
    const [first] = replicas;
    if (!first) throw new Error('no replica started');
    await clients.reset(true);
    const sent = await first.server.request<Array<[number, number]>>(
      'pace',
      { perSecond: 1, seconds: options.sends },
      options.sends * 1000 + 60_000,
    );
    await clients.awaitDeliveries(sent.length, 30_000);
    // Anything beyond one delivery per send and connection would be a duplicate: give it time to show.
    await sleep(1_000);
    const latency = await clients.latencies(sent);
    const after = await clients.status();
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
    };
  } finally {
    await clients.stop();
    for (const { server } of replicas) await server.stop();
    await redis.stop();
  }
}
