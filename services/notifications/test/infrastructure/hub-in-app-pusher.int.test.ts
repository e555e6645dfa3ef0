import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDaprMesh, HubBindingSender, HubSendError, hubPushConfigKeys, loadConfig } from '@shop/kit';
import { hubClient, nextInvocation, record } from '@shop/signalr/test/support/clients';
import { type DaprRunDir, prepareDaprRunDir, projectComponentsDir } from '@shop/testkit/src/dapr-run-dir';
import { type RunningDaprd, startDaprd } from '@shop/testkit/src/daprd';
import { listen } from '@shop/testkit/src/listen';
import Joi from 'joi';
import { type HubPlatform, startHubPlatform } from '../../../hub/test/support/hub-platform';
import { type HubInAppPusher, hubInAppPusherFrom } from '../../src/infrastructure/hub-in-app-pusher';

// The Dapr topology's way: a real (slim) daprd with the project's components/hub-signalr.yaml, its connection
// string from the `secrets` store (env SHOP_SECRET_HUB_CONNECTION_STRING), sending to the real hub service. Two
// more copies of the component, one with a key the hub does not know and one at a port nobody listens on, show how
// the hub's refusals and its absence come back through daprd.

const accessKey = 'notifications-dapr-test-hub-access-key-0123456789';
let shop: HubPlatform;
let componentsDir: string;
let run: DaprRunDir;
let daprd: RunningDaprd;

function variant(name: string, secret: string): string {
  return readFileSync(join(projectComponentsDir, 'hub-signalr.yaml'), 'utf8')
    .replace(/name: hub-signalr$/m, `name: ${name}`)
    .replace(/name: HUB_CONNECTION_STRING\n(\s+)key: HUB_CONNECTION_STRING/, `name: ${secret}\n$1key: ${secret}`);
}

beforeAll(async () => {
  shop = await startHubPlatform({ HUB_ACCESS_KEY: accessKey }, { inventory: false });
  const nobody = await listen(() => undefined);
  await nobody.close();
  componentsDir = mkdtempSync(join(tmpdir(), 'notifications-binding-'));
  for (const file of ['config.yaml', 'secretstore.yaml', 'hub-signalr.yaml']) {
    copyFileSync(join(projectComponentsDir, file), join(componentsDir, file));
  }
  writeFileSync(join(componentsDir, 'hub-wrong-key.yaml'), variant('hub-wrong-key', 'HUB_WRONG_KEY'));
  writeFileSync(join(componentsDir, 'hub-away.yaml'), variant('hub-away', 'HUB_AWAY'));
  run = prepareDaprRunDir({ componentsDir });
  daprd = await startDaprd({
    appId: 'notifications',
    // daprd waits for its app's port; the hub platform stands in (it serves no Dapr routes, which daprd allows).
    appPort: Number(new URL(shop.url).port),
    resourcesPath: run.resourcesPath,
    configPath: run.configPath,
    redisHost: '127.0.0.1:1',
    logDir: run.logDir,
    env: {
      SHOP_SECRET_HUB_CONNECTION_STRING: `Endpoint=${shop.url};AccessKey=${accessKey};Version=1.0;`,
      SHOP_SECRET_HUB_WRONG_KEY: `Endpoint=${shop.url};AccessKey=not-the-hub-key-0123456789;Version=1.0;`,
      SHOP_SECRET_HUB_AWAY: `Endpoint=${nobody.url};AccessKey=${accessKey};Version=1.0;`,
    },
  });
}, 120_000);

afterAll(async () => {
  await daprd?.stop();
  await shop?.stop();
  run?.remove();
  rmSync(componentsDir, { recursive: true, force: true });
});

function meshBesideDaprd() {
  return createDaprMesh({ appId: 'notifications', daprHttpPort: daprd.httpPort, daprApiToken: daprd.daprApiToken });
}

function notification() {
  return {
    id: randomUUID(),
    type: 'OrderShipped',
    title: 'Your order is on its way',
    body: 'Tracking number 1Z999AA10123456784',
    orderId: randomUUID(),
    createdAt: new Date().toISOString(),
  };
}

async function failureOf(promise: Promise<void>): Promise<HubSendError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(HubSendError);
  return error as HubSendError;
}

describe("the in-app pusher through Dapr's bindings.azure.signalr", () => {
  it("reaches the customer's /hubs/notifications connections through components/hub-signalr.yaml, and nobody else", async () => {
    // The defaults beside a daprd: the component of components/ by its name.
    const pusher = hubInAppPusherFrom(loadConfig(Joi.object(hubPushConfigKeys), {}), { mesh: meshBesideDaprd() });
    expect((pusher as HubInAppPusher).sender).toBeInstanceOf(HubBindingSender);
    const [ada, grace] = [randomUUID(), randomUUID()];
    const adaClient = hubClient(`${shop.url}/hubs/notifications`, { token: shop.customerToken(ada) });
    const graceClient = hubClient(`${shop.url}/hubs/notifications`, { token: shop.customerToken(grace) });
    await Promise.all([adaClient.start(), graceClient.start()]);
    try {
      const graceHeard = record(graceClient, 'Notification');
      const heard = nextInvocation(adaClient, 'Notification');
      const sent = notification();
      await pusher?.push(ada, sent);
      expect(await heard).toEqual([sent]);
      const hers = notification();
      const graceNext = nextInvocation(graceClient, 'Notification');
      await pusher?.push(grace, hers);
      await graceNext;
      expect(graceHeard).toEqual([[hers]]);
    } finally {
      await Promise.all([adaClient.stop(), graceClient.stop()]);
    }
  });

  it("fails for good when the hub refuses the binding's key, and asks for a retry when the hub is away", async () => {
    const mesh = meshBesideDaprd();
    const refused = await failureOf(
      hubInAppPusherFrom({ HUB_BINDING: 'hub-wrong-key' }, { mesh })?.push(
        randomUUID(),
        notification(),
      ) as Promise<void>,
    );
    expect(refused).toMatchObject({ retryable: false, status: 401 });
    const away = await failureOf(
      hubInAppPusherFrom({ HUB_BINDING: 'hub-away' }, { mesh })?.push(randomUUID(), notification()) as Promise<void>,
    );
    expect(away).toMatchObject({ retryable: true, status: undefined });
    expect(away.message).toMatch(/connection refused|ECONNREFUSED/i);
  });

  it('leaves daprd running without the connection string, and each push failing for a retry', async () => {
    const bare = prepareDaprRunDir({ componentsDir });
    const withoutSecret = await startDaprd({
      appId: 'notifications',
      appPort: Number(new URL(shop.url).port),
      resourcesPath: bare.resourcesPath,
      configPath: bare.configPath,
      redisHost: '127.0.0.1:1',
      logDir: bare.logDir,
    });
    try {
      const mesh = createDaprMesh({
        appId: 'notifications',
        daprHttpPort: withoutSecret.httpPort,
        daprApiToken: withoutSecret.daprApiToken,
      });
      const failed = await failureOf(
        hubInAppPusherFrom({ HUB_BINDING: 'hub-signalr' }, { mesh })?.push(
          randomUUID(),
          notification(),
        ) as Promise<void>,
      );
      expect(failed).toMatchObject({ retryable: true, status: undefined });
    } finally {
      await withoutSecret.stop();
      bare.remove();
    }
  });
});
