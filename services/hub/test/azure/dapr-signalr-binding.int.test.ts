import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HubConnection } from '@microsoft/signalr';
import { hubClient, record } from '@shop/signalr/test/support/clients';
import { type DaprRunDir, prepareDaprRunDir, projectComponentsDir } from '@shop/testkit/src/dapr-run-dir';
import { type RunningDaprd, startDaprd } from '@shop/testkit/src/daprd';
import { eventually } from '@shop/testkit/src/eventually';
import { accessKey, rest } from '../support/azure-clients';
import { type HubPlatform, startHubPlatform } from '../support/hub-platform';

// A real daprd (the slim build registers bindings.azure.signalr) whose binding's connection string points at the
// hub: Dapr signs its own tokens (an audience array with port and query), calls the 2022-11-01 routes, and its
// clientNegotiate issues the client's token.

let shop: HubPlatform;
let componentsDir: string;
let run: DaprRunDir;
let daprd: RunningDaprd;
const open: HubConnection[] = [];

beforeAll(async () => {
  shop = await startHubPlatform({}, { inventory: false });
  componentsDir = mkdtempSync(join(tmpdir(), 'hub-binding-'));
  copyFileSync(join(projectComponentsDir, 'config.yaml'), join(componentsDir, 'config.yaml'));
  writeFileSync(
    join(componentsDir, 'signalr.yaml'),
    [
      'apiVersion: dapr.io/v1alpha1',
      'kind: Component',
      'metadata:',
      '  name: shop-hub',
      'spec:',
      '  type: bindings.azure.signalr',
      '  version: v1',
      '  metadata:',
      '    - name: connectionString',
      `      value: "Endpoint=${shop.url};AccessKey=${accessKey};Version=1.0;"`,
      '    - name: hub',
      '      value: DaprChat',
      '',
    ].join('\n'),
  );
  run = prepareDaprRunDir({ componentsDir });
  daprd = await startDaprd({
    appId: 'hub-binding-test',
    // daprd waits for its app's port; the hub platform is the app (it serves no Dapr routes, which daprd allows).
    appPort: Number(new URL(shop.url).port),
    resourcesPath: run.resourcesPath,
    configPath: run.configPath,
    redisHost: '127.0.0.1:1',
    logDir: run.logDir,
  });
}, 120_000);

afterEach(async () => {
  await Promise.all(open.splice(0).map((connection) => connection.stop()));
});

afterAll(async () => {
  await daprd?.stop();
  await shop?.stop();
  run?.remove();
  rmSync(componentsDir, { recursive: true, force: true });
});

async function binding(body: object): Promise<Response> {
  return fetch(`http://127.0.0.1:${daprd.httpPort}/v1.0/bindings/shop-hub`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'dapr-api-token': daprd.daprApiToken },
    body: JSON.stringify(body),
  });
}

/** The stock client connected the serverless way: Dapr's clientNegotiate gives the hub URL and a token. */
async function negotiatedClient(user: string): Promise<HubConnection> {
  const res = await binding({ operation: 'clientNegotiate', metadata: { user } });
  expect(res.status).toBe(200);
  const { url, accessToken } = (await res.json()) as { url: string; accessToken: string };
  expect(url).toBe(`${shop.url}/client/?hub=daprchat`);
  const connection = hubClient(url, { token: accessToken });
  await connection.start();
  open.push(connection);
  return connection;
}

describe("Dapr's bindings.azure.signalr output binding", () => {
  it('sends to every client of the hub (operation create)', async () => {
    const client = await negotiatedClient('ada');
    const heard = record(client, 'Note');
    const res = await binding({ operation: 'create', data: { target: 'Note', arguments: ['from dapr', { n: 1 }] } });
    expect(res.status).toBeLessThan(300);
    await eventually(() => expect(heard).toEqual([['from dapr', { n: 1 }]]));
  });

  it('sends to one user and to one group (metadata user / group)', async () => {
    const [ada, grace] = [await negotiatedClient('ada'), await negotiatedClient('grace')];
    const [adaHeard, graceHeard] = [record(ada, 'Note'), record(grace, 'Note')];
    const joined = await rest(
      shop.url,
      'PUT',
      `/api/hubs/daprchat/groups/night/connections/${grace.connectionId}?api-version=2022-06-01`,
    );
    expect(joined.status).toBe(200);
    expect(
      (
        await binding({
          operation: 'create',
          data: { target: 'Note', arguments: ['for ada'] },
          metadata: { user: 'ada' },
        })
      ).status,
    ).toBeLessThan(300);
    expect(
      (
        await binding({
          operation: 'create',
          data: { target: 'Note', arguments: ['for night'] },
          metadata: { group: 'night' },
        })
      ).status,
    ).toBeLessThan(300);
    await eventually(() => {
      expect(adaHeard).toEqual([['for ada']]);
      expect(graceHeard).toEqual([['for night']]);
    });
  });

  it('sends to another hub named in the metadata, and reports a refused body as a failure', async () => {
    const res = await binding({ operation: 'create', data: { target: 'Note' }, metadata: { hub: 'Elsewhere' } });
    expect(res.status).toBeLessThan(300);
    const refused = await binding({ operation: 'create', data: { arguments: ['no target'] } });
    expect(refused.status).toBe(500);
    expect(await refused.text()).toMatch(/400/);
  });
});
