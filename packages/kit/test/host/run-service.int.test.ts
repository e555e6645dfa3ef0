import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DaprRunDir, prepareDaprRunDir } from '@shop/testkit/src/dapr-run-dir';
import { type RunningDaprd, startSidecar } from '@shop/testkit/src/daprd';
import { freePort } from '@shop/testkit/src/free-port';
import { json } from '@shop/testkit/src/listen';
import { type RunningRedis, startRedis } from '@shop/testkit/src/redis';
import { runService } from '../../src/host/run-service';
import type { RunningServer } from '../../src/host/serve';
import type { ServiceManifest } from '../../src/host/service-manifest';
import { audit, greeter } from './sample-services';

let redis: RunningRedis;
let run: DaprRunDir;
const sidecars: RunningDaprd[] = [];
const servers: RunningServer[] = [];
const appPorts = new Map<string, number>();
const sidecarOf = new Map<string, RunningDaprd>();

async function startWithSidecar(manifest: ServiceManifest): Promise<RunningDaprd> {
  const appPort = await freePort();
  const sidecar = await startSidecar(run, redis.url, manifest.name, appPort);
  sidecars.push(sidecar);
  const server = await runService(manifest, {
    handleSignals: false,
    env: {
      APP_PORT: String(appPort),
      ...sidecar.appEnv,
      JWKS_URL: 'http://127.0.0.1:9/jwks',
      SHOP_DATA_DIR: mkdtempSync(join(tmpdir(), `svc-${manifest.name}-`)),
      LOG_LEVEL: 'fatal',
    },
  });
  servers.push(server);
  appPorts.set(manifest.name, appPort);
  sidecarOf.set(manifest.name, sidecar);
  return sidecar;
}

beforeAll(async () => {
  run = prepareDaprRunDir({ testAppIds: [greeter.name, audit.name] });
  redis = await startRedis({ logDir: run.logDir });
  await startWithSidecar(greeter);
  const auditSidecar = await startWithSidecar(audit);
  await auditSidecar.waitForSubscriptions(['greetings.greeted']);
}, 90_000);

afterAll(async () => {
  for (const server of servers) await server.shutdown();
  for (const sidecar of sidecars) await sidecar.stop();
  await redis?.stop();
  run?.remove();
}, 60_000);

const urlOf = (service: string) => `http://127.0.0.1:${appPorts.get(service)}`;

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a service beside its daprd', () => {
  it('invokes another service and keeps state through the sidecars', async () => {
    const greet = () =>
      fetch(`${urlOf('greeter')}/api/greetings`, {
        method: 'POST',
        body: JSON.stringify({ name: 'ada' }),
        headers: { 'content-type': 'application/json' },
      });
    expect(await json(await greet())).toEqual({ text: 'Hello, ada', seen: 1 });
    expect(await json(await greet())).toEqual({ text: 'Hello, ada', seen: 2 });
  });

  it('delivers its events to the subscribing service through Redis Streams', async () => {
    await fetch(`${urlOf('greeter')}/api/greetings`, {
      method: 'POST',
      body: JSON.stringify({ name: 'grace' }),
      headers: { 'content-type': 'application/json' },
    });
    const seen = await eventually(
      async () => json(await fetch(`${urlOf('audit')}/api/audit/grace`)),
      (body) => body.events === 1,
    );
    expect(seen).toEqual({ events: 1 });
  });

  it('reports its sidecar in /readyz and serves its OpenAPI document', async () => {
    const ready = await json(await fetch(`${urlOf('greeter')}/readyz`));
    expect(ready).toEqual({ status: 'ready', checks: { sidecar: 'ok' } });
    expect((await fetch(`${urlOf('greeter')}/openapi/greeter.json`)).status).toBe(200);
  });

  it('lists its subscriptions, with a dead-letter topic, for daprd', async () => {
    const appApiToken = sidecarOf.get('audit')?.appApiToken ?? '';
    const subscriptions = await json(
      await fetch(`${urlOf('audit')}/dapr/subscribe`, { headers: { 'dapr-api-token': appApiToken } }),
    );
    expect(subscriptions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ topic: 'greetings.greeted', deadLetterTopic: 'deadletter.audit' }),
        expect.objectContaining({ topic: 'deadletter.audit' }),
      ]),
    );
  });

  it("answers /dapr and /internal only to its sidecar, and calls its sidecar's API with the Dapr API token", async () => {
    expect((await fetch(`${urlOf('audit')}/dapr/subscribe`)).status).toBe(401);
    const greeter = sidecarOf.get('greeter') as RunningDaprd;
    const sidecarApi = `http://127.0.0.1:${greeter.httpPort}/v1.0/metadata`;
    expect((await fetch(sidecarApi)).status).toBe(401);
    expect((await fetch(sidecarApi, { headers: { 'dapr-api-token': greeter.daprApiToken } })).status).toBe(200);
    const internal = await fetch(`${urlOf('audit')}/internal/audit/ada`, {
      method: 'POST',
      headers: { 'dapr-api-token': greeter.appApiToken },
    });
    // Another sidecar's token is no key to this app: each pair has its own.
    expect(internal.status).toBe(401);
  });
});
