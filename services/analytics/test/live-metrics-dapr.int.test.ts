import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createDaprMesh,
  createLogger,
  HubBindingSender,
  hubPushConfigKeys,
  hubSenderFrom,
  loadConfig,
} from '@shop/kit';
import { hubClient, record } from '@shop/signalr/test/support/clients';
import { type DaprRunDir, prepareDaprRunDir, projectComponentsDir } from '@shop/testkit/src/dapr-run-dir';
import { type RunningDaprd, startDaprd } from '@shop/testkit/src/daprd';
import Joi from 'joi';
import { Registry } from 'prom-client';
import { type HubPlatform, startHubPlatform } from '../../hub/test/support/hub-platform';
import { liveMetrics, metricsChangedTarget } from '../src/infrastructure/live-metrics';

// The Dapr topology's way: a real (slim) daprd for app `analytics` with the project's components/hub-signalr.yaml
// (scoped to analytics too), sending "to hub" `analytics` of the real hub service, whose admins listen.

const accessKey = 'analytics-dapr-test-hub-access-key-0123456789';
let shop: HubPlatform;
let componentsDir: string;
let run: DaprRunDir;
let daprd: RunningDaprd;

beforeAll(async () => {
  shop = await startHubPlatform({ HUB_ACCESS_KEY: accessKey }, { inventory: false });
  componentsDir = mkdtempSync(join(tmpdir(), 'analytics-binding-'));
  for (const file of ['config.yaml', 'secretstore.yaml', 'hub-signalr.yaml']) {
    copyFileSync(join(projectComponentsDir, file), join(componentsDir, file));
  }
  run = prepareDaprRunDir({ componentsDir });
  daprd = await startDaprd({
    appId: 'analytics',
    // daprd waits for its app's port; the hub platform stands in (it serves no Dapr routes, which daprd allows).
    appPort: Number(new URL(shop.url).port),
    resourcesPath: run.resourcesPath,
    configPath: run.configPath,
    redisHost: '127.0.0.1:1',
    logDir: run.logDir,
    env: { SHOP_SECRET_HUB_CONNECTION_STRING: `Endpoint=${shop.url};AccessKey=${accessKey};Version=1.0;` },
  });
}, 120_000);

afterAll(async () => {
  await daprd?.stop();
  await shop?.stop();
  run?.remove();
  rmSync(componentsDir, { recursive: true, force: true });
});

it("sends the latest figures to every admin on /hubs/analytics through Dapr's signalr binding, coalesced", async () => {
  const mesh = createDaprMesh({ appId: 'analytics', daprHttpPort: daprd.httpPort, daprApiToken: daprd.daprApiToken });
  const sender = hubSenderFrom(loadConfig(Joi.object(hubPushConfigKeys), {}), { mesh });
  expect(sender).toBeInstanceOf(HubBindingSender);
  let figures = 0;
  const live = liveMetrics({
    sender: sender as HubBindingSender,
    summary: async () => ({ orders: { placed: figures } }),
    minIntervalMs: 100,
    log: createLogger({ name: 'analytics-live-test', level: 'fatal' }),
    metrics: new Registry(),
  });
  const admins = [hubClient(`${shop.url}/hubs/analytics`, { token: shop.adminToken })];
  admins.push(hubClient(`${shop.url}/hubs/analytics`, { token: shop.adminToken, transport: 'LongPolling' }));
  await Promise.all(admins.map((client) => client.start()));
  try {
    const heard = admins.map((client) => record(client, metricsChangedTarget));
    for (let change = 1; change <= 30; change += 1) {
      figures = change;
      live.changed();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const deadline = Date.now() + 5_000;
    const lastOf = (calls: unknown[][]) => (calls.at(-1)?.[0] as { orders: { placed: number } } | undefined)?.orders;
    while (Date.now() < deadline && !heard.every((calls) => lastOf(calls)?.placed === 30)) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    for (const calls of heard) {
      expect(lastOf(calls)?.placed).toBe(30);
      expect(calls.length).toBeLessThan(10);
    }
  } finally {
    await live.close();
    await Promise.all(admins.map((client) => client.stop()));
  }
});
