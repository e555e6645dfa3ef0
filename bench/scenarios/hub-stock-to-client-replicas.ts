// The hub as production runs it: the Dapr topology (every service its own process beside its own daprd, PostgreSQL,
// Redis Streams) behind the gateway, with two hub replicas of the app id `hub` joined by the Redis backplane. Half
// of the subscribers connect straight to each replica's port, as a load balancer with sticky sessions spreads them;
// the admin's adjustments go through the gateway. Dapr hands each stock event to one replica, which shares it with
// the other through the backplane. Timed as the embedded run is (hub-stock-to-client.ts), at the same rate.
import { topics } from '@shop/contracts';
import { startDaprPlatform } from '../../tests/system/support/dapr-platform';
import { ClientGroup } from './hub-clients';
import { productWithStock, type StockLatency, signInAdmin, subscribeAndAdjust } from './hub-stock-to-client';

export interface StockOverReplicasResult extends StockLatency {
  replicas: number;
  subscribersPerReplica: number;
}

export async function hubStockToClientOverReplicas(options: {
  replicas: number;
  subscribersPerReplica: number;
  seconds: number;
  adjustmentsPerSecond: number;
  logDir: string;
}): Promise<StockOverReplicasResult> {
  const platform = await startDaprPlatform({ LOG_LEVEL: 'warn' }, { replicas: { hub: options.replicas } });
  const clients = new ClientGroup(options.logDir);
  try {
    const hubs = platform.topology.replicasOf('hub');
    // Until every replica's sidecar subscribed, Dapr would hand all events to the ones that did.
    for (const hub of hubs) await hub.sidecar.waitForSubscriptions([topics.stockChanged], 60_000);
    const admin = await signInAdmin(platform.baseUrl);
    const productId = await productWithStock(admin, 1_000);
    const measured = await subscribeAndAdjust({
      admin,
      productId,
      clients,
      hubs: hubs.map((hub) => ({
        origin: `http://127.0.0.1:${hub.appPort}`,
        subscribers: options.subscribersPerReplica,
      })),
      seconds: options.seconds,
      adjustmentsPerSecond: options.adjustmentsPerSecond,
    });
    return { ...measured, replicas: hubs.length, subscribersPerReplica: options.subscribersPerReplica };
  } finally {
    await clients.stop();
    await platform.stop();
  }
}
