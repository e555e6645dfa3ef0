// The hub as the platform runs it (services/hub's manifest hosted by the kit, here alone in its process as in the
// Dapr topology), fed `inventory.stock-changed` events the way the inventory publishes them: each send is the
// inventory hub's real path, event → StockFeed → group send to the product's subscribers. Forked by
// bench/scenarios/hub-fan-out.ts.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type StockChanged, topics } from '@shop/contracts';
import { runEmbedded, type ServiceManifest } from '@shop/kit';
import { hubService } from '../../services/hub/src/service';
import { controlBroadcasts, nowMs, type StockMessage, stockMessage } from './broadcast-control';

async function main(): Promise<void> {
  const productId = String(process.env.BENCH_PRODUCT_ID);
  const platform = await runEmbedded([hubService as ServiceManifest], {
    env: { ...process.env, SHOP_DATA_DIR: mkdtempSync(join(tmpdir(), 'bench-hub-')) },
    handleSignals: true,
  });
  const inventory = platform.bus.meshFor('inventory');
  const publish = (message: StockMessage) => {
    const data: StockChanged = { ...message };
    return inventory.publish(topics.stockChanged, {
      id: randomUUID(),
      type: topics.stockChanged,
      occurredAt: message.at,
      data,
    });
  };
  // The state subscribers are told when they subscribe; without it the hub would ask the inventory, absent here.
  // Version 1, the first a product has (the contract refuses 0); the sends follow it.
  await publish(stockMessage(productId, 1, nowMs()));
  await platform.bus.drain();
  controlBroadcasts({ broadcast: publish }, productId, undefined, 1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
