import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appIds, subscribedBy } from '@shop/contracts';
import { createLogger, type EmbeddedPlatform, runEmbedded } from '@shop/kit';
import { services } from '../src/services';

// The pub/sub subscription scopes come from the mesh policy's tables; a service that subscribed to a topic the
// table does not give it would have that subscription refused by its sidecar. The embedded platform registers
// the very subscriptions each service serves daprd from /dapr/subscribe, so they are compared here.

let platform: EmbeddedPlatform;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'subscriptions-policy-'));
  platform = await runEmbedded(services, {
    env: { PORT: '0', SHOP_DATA_DIR: dataDir, LOG_LEVEL: 'fatal' },
    log: createLogger({ name: 'subscriptions-policy', level: 'fatal' }),
  });
}, 60_000);

afterAll(async () => {
  await platform?.shutdown();
  rmSync(dataDir, { recursive: true, force: true });
});

it('runs exactly the services the mesh policy names', () => {
  expect(services.map((service) => service.name).sort()).toEqual([...appIds].sort());
});

it.each(appIds.map((appId) => [appId]))('%s subscribes to exactly the topics the mesh policy gives it', (appId) => {
  expect(platform.bus.subscribedTopics(appId).sort()).toEqual(subscribedBy(appId).sort());
});
