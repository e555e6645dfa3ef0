import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DaprRunDir, prepareDaprRunDir, projectComponentsDir } from '@shop/testkit/src/dapr-run-dir';
import { type RunningDaprd, startSidecar } from '@shop/testkit/src/daprd';
import { freePort } from '@shop/testkit/src/free-port';
import {
  audience,
  type FixtureIdentity,
  issuer,
  newSigningKey,
  serveJwks,
  signToken,
} from '@shop/testkit/src/jwt-fixture';
import { type RunningRedis, startRedis } from '@shop/testkit/src/redis';
import { parse, stringify } from 'yaml';
import { deadLetterAdminPath } from '../../src/host/dead-letter-admin';
import { runService } from '../../src/host/run-service';
import type { RunningServer } from '../../src/host/serve';
import { createLogger } from '../../src/log/logger';
import { createDaprMesh } from '../../src/mesh/dapr';
import { ledgerEntry, ledgerFault, ledgerService, ledgerTopic } from './ledger-service';

// The dead letters of a service beside a real daprd on Redis Streams: daprd retries the failing delivery, publishes
// it to the app's dead-letter topic and delivers it there; the kit stores it, and the admin replays it. The
// project's resiliency.yaml with its pubsub redelivery cut to 3 retries (about 3 s), as in dapr-mesh.int.test.ts.
const resiliency = parse(readFileSync(join(projectComponentsDir, 'resiliency.yaml'), 'utf8')) as {
  spec: { policies: { retries: Record<string, unknown> } };
};
resiliency.spec.policies.retries.pubsubInbound = { policy: 'exponential', maxInterval: '2s', maxRetries: 3 };
const deliveryAttempts = 4;

let redis: RunningRedis;
let run: DaprRunDir;
let identity: FixtureIdentity;
let server: RunningServer | undefined;
let ledgerPort: number;
const sidecars: RunningDaprd[] = [];
const key = newSigningKey('dead-letters-dapr');
const admin = signToken(key, { roles: ['admin'] }, { subject: 'admin-dapr' });

beforeAll(async () => {
  run = prepareDaprRunDir({ testAppIds: ['ledger'] });
  writeFileSync(join(run.resourcesPath, 'resiliency.yaml'), stringify(resiliency));
  redis = await startRedis({ logDir: run.logDir });
  // The services' verifiers ask identity whether a login is live, through the mesh: a fixture stands in for it.
  identity = await serveJwks([key]);
  sidecars.push(await startSidecar(run, redis.url, 'identity', Number(new URL(identity.url).port)));
  ledgerPort = await freePort();
  const sidecar = await startSidecar(run, redis.url, 'ledger', ledgerPort);
  sidecars.push(sidecar);
  server = await runService(ledgerService, {
    handleSignals: false,
    env: {
      APP_PORT: String(ledgerPort),
      ...sidecar.appEnv,
      JWKS_URL: `${identity.url}/jwks`,
      JWT_ISSUER: issuer,
      JWT_AUDIENCE: audience,
      SHOP_DATA_DIR: mkdtempSync(join(tmpdir(), 'dead-letters-dapr-')),
      LOG_LEVEL: 'fatal',
    },
  });
  await sidecar.waitForSubscriptions([ledgerTopic, 'deadletter.ledger']);
}, 90_000);

afterAll(async () => {
  ledgerFault.broken = false;
  await server?.shutdown();
  for (const sidecar of sidecars) await sidecar.stop();
  await identity?.close();
  await redis?.stop();
  run?.remove();
}, 60_000);

const base = () => `http://127.0.0.1:${ledgerPort}${deadLetterAdminPath('ledger')}`;
const asAdmin = (path: string, init: RequestInit = {}) =>
  fetch(`${base()}${path}`, { ...init, headers: { authorization: `Bearer ${admin}` } });

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const balance = async (account: string) =>
  (await (await fetch(`http://127.0.0.1:${ledgerPort}/api/ledger/${account}`)).json()) as {
    entries: number;
    total: number;
  };

describe('dead letters beside daprd', () => {
  it('stores the poison event daprd dead-letters, and applies it once when replayed after the fix', async () => {
    ledgerFault.broken = true;
    const event = ledgerEntry('dapr-acme', 42);
    const publisher = createDaprMesh({
      appId: 'ledger',
      daprHttpPort: Number(sidecars[1]?.appEnv.DAPR_HTTP_PORT),
      daprApiToken: sidecars[1]?.appEnv.DAPR_API_TOKEN ?? '',
      logger: createLogger({ name: 'publisher', level: 'fatal' }),
    });
    await publisher.publish(ledgerTopic, event);

    type Page = { items: Array<{ id: string; eventId: string; topic: string; attempts: number; error: string }> };
    const page = await eventually(
      async () => (await (await asAdmin('')).json()) as Page,
      (listed) => listed.items.some((item) => item.eventId === event.id),
    );
    const stored = page.items.find((item) => item.eventId === event.id);
    expect(stored).toMatchObject({ topic: ledgerTopic, attempts: deliveryAttempts, status: 'stored', event });
    expect(stored?.error).toContain('the ledger cannot post entries');
    const metrics = await (await fetch(`http://127.0.0.1:${ledgerPort}/metrics`)).text();
    expect(metrics).toMatch(/^shop_dead_letters_total\{service="ledger",topic="ledger\.entry-posted"\} 1$/m);
    expect(metrics).toMatch(/^shop_dead_letters_stored\{service="ledger"\} 1$/m);

    ledgerFault.broken = false;
    const replayed = await asAdmin(`/${stored?.id}/replay`, { method: 'POST' });
    expect([replayed.status, await replayed.json()]).toEqual([200, expect.objectContaining({ applied: true })]);
    expect(await balance('dapr-acme')).toEqual({ entries: 1, total: 42 });
    const again = await asAdmin(`/${stored?.id}/replay`, { method: 'POST' });
    expect([again.status, await again.json()]).toEqual([200, expect.objectContaining({ applied: false })]);
    expect(await balance('dapr-acme')).toEqual({ entries: 1, total: 42 });
  }, 60_000);
});
