import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hubClient, record } from '@shop/signalr/test/support/clients';
import { eventually } from '@shop/testkit/src/eventually';
import { type RunningRedis, startRedis } from '@shop/testkit/src/redis';
import { Redis } from 'ioredis';
import { Backplane } from '../../src/backplane/backplane';
import { connectRedisBackplane } from '../../src/backplane/redis-backplane';
import { azureClient, rest } from '../support/azure-clients';
import { startHubPlatform } from '../support/hub-platform';
import { startReplicaPair } from '../support/replica-pair';
import { describeReplicaPair } from './replica-scenarios';

const logDir = mkdtempSync(join(tmpdir(), 'hub-backplane-'));
let redis: RunningRedis;

beforeAll(async () => {
  redis = await startRedis({ logDir });
});
afterAll(async () => {
  await redis.stop();
  rmSync(logDir, { recursive: true, force: true });
});

const quietLog = { debug() {}, info() {}, warn() {}, error() {} };

// The same proofs as the in-process backplane, across a real Redis: each replica has its own connections to it.
describe('two hub replicas on the Redis backplane', () => {
  describeReplicaPair(() =>
    startReplicaPair({ env: { HUB_REDIS_HOST: redis.url, HUB_BACKPLANE_PREFIX: `pair-${randomUUID().slice(0, 8)}` } }),
  );
});

describe('the Redis backplane', () => {
  it('stops waiting for a replica that stopped renewing its mark, and forgets it', async () => {
    const prefix = `crash-${randomUUID().slice(0, 8)}`;
    const [survivor, crashed] = await Promise.all([
      connectRedisBackplane({ host: redis.url, prefix }),
      connectRedisBackplane({ host: redis.url, prefix }),
    ]);
    const askTimeoutMs = 30_000;
    const asking = new Backplane(survivor, { prefix, log: quietLog, heartbeatIntervalMs: 100, askTimeoutMs });
    await asking.start();
    try {
      // A replica that announced itself for 300 ms and crashed: it never renews, answers nor withdraws.
      await crashed.announce('crashed-replica', 300);
      await crashed.close();
      expect((await survivor.liveReplicas()).sort()).toEqual([asking.replicaId, 'crashed-replica'].sort());
      await eventually(async () => expect(await survivor.liveReplicas()).toEqual([asking.replicaId]), 5_000);
      const startedAt = Date.now();
      expect(await asking.ask('somehub', 'connectionExists', ['nobody'])).toBe(false);
      // It did not wait out the timeout for the crashed replica (a busy machine may be slow, never 15 s slow).
      expect(Date.now() - startedAt).toBeLessThan(askTimeoutMs / 2);
    } finally {
      await asking.stop();
    }
  });

  it('answers false after the timeout when a live replica stays silent', async () => {
    const prefix = `silent-${randomUUID().slice(0, 8)}`;
    const [asker, mute] = await Promise.all([
      connectRedisBackplane({ host: redis.url, prefix }),
      connectRedisBackplane({ host: redis.url, prefix }),
    ]);
    const asking = new Backplane(asker, { prefix, log: quietLog, askTimeoutMs: 300 });
    await asking.start();
    try {
      await mute.announce('hung-replica', 10_000);
      const startedAt = Date.now();
      expect(await asking.ask('somehub', 'groupExists', ['g'])).toBe(false);
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(290);
    } finally {
      await mute.withdraw('hung-replica');
      await mute.close();
      await asking.stop();
    }
  });

  it('keeps user-group memberships in Redis until they expire', async () => {
    const prefix = `groups-${randomUUID().slice(0, 8)}`;
    const transport = await connectRedisBackplane({ host: redis.url, prefix });
    const store = transport.userGroups;
    try {
      const now = Date.now();
      await store.add('chat', 'ada:1', 'blue', now + 60_000);
      await store.add('chat', 'ada:1', 'red', now + 200);
      await store.add('other', 'ada:1', 'green', now + 60_000);
      expect((await store.groupsOf('chat', 'ada:1', now)).sort()).toEqual(['blue', 'red']);
      expect(await store.groupsOf('chat', 'ada:1', now + 1_000)).toEqual(['blue']);
      expect(await store.has('chat', 'ada:1', 'red', now + 1_000)).toBe(false);
      await store.remove('chat', 'ada:1', 'blue');
      expect(await store.groupsOf('chat', 'ada:1', now)).toEqual(['red']);
      await store.removeAll('chat', 'ada:1');
      expect(await store.groupsOf('chat', 'ada:1', now)).toEqual([]);
      expect(await store.groupsOf('other', 'ada:1', now)).toEqual(['green']);
      const raw = new Redis({ host: '127.0.0.1', port: redis.port });
      try {
        expect(await raw.pttl(`${prefix}:user-groups:other:ada:1`)).toBeGreaterThan(50_000);
      } finally {
        raw.disconnect();
      }
    } finally {
      await transport.close();
    }
  });

  it('answers 503 with Retry-After while Redis is away, and a hub cannot start without it', async () => {
    const own = await startRedis({ logDir, name: 'redis-away' });
    const replica = await startHubPlatform(
      { HUB_REDIS_HOST: own.url, HUB_BACKPLANE_PREFIX: `away-${randomUUID().slice(0, 8)}` },
      { inventory: false },
    );
    try {
      const client = azureClient(replica.url, 'away');
      await client.start();
      const customerId = randomUUID();
      const customer = hubClient(`${replica.url}/hubs/orders`, { token: replica.customerToken(customerId) });
      await customer.start();
      const heard = record(customer, 'OrderStatusChanged');
      await own.stop();
      // An event Dapr hands this replica still reaches its own clients; the failed share has it delivered again.
      const orderId = randomUUID();
      await replica.orderStatus('orders.order-paid', {
        orderId,
        customerId,
        status: 'Paid',
        at: new Date().toISOString(),
      });
      await eventually(() => expect(heard).toEqual([[expect.objectContaining({ orderId, status: 'Paid' })]]));
      await customer.stop();
      const res = await rest(replica.url, 'POST', '/api/v1/hubs/away', { body: { target: 'Note' } });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(res.headers.get('x-ms-error-code')).toBe('Error.Service.Unavailable');
      expect((await fetch(`${replica.url}/readyz`)).status).toBe(503);
      await client.stop();
    } finally {
      await replica.stop();
    }
    await expect(startHubPlatform({ HUB_REDIS_HOST: own.url }, { inventory: false })).rejects.toThrow(
      /could not reach Redis/,
    );
  });
});
