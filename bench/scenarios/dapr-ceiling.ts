// The Dapr ceiling, measured in the same run as the completed-orders figure: what one sidecar hop costs on this
// machine when the apps on either end do nothing (bench/servers/dapr-ceiling-app.ts), each app beside its own
// real daprd with the project's components (Redis Streams pub/sub, resiliency, configuration) on a real
// redis-server; and what a minimal PostgreSQL statement costs. bench/scenarios/dapr-ceiling-report.ts turns the
// costs and the crossings one order makes into the most orders/s the machine could carry.
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { type DaprRunDir, prepareDaprRunDir } from '@shop/testkit/src/dapr-run-dir';
import { type RunningDaprd, startSidecar } from '@shop/testkit/src/daprd';
import { freePort } from '@shop/testkit/src/free-port';
import { type RunningRedis, startRedis } from '@shop/testkit/src/redis';
import type { CeilingSubscription } from '../servers/dapr-ceiling-app';
import { exactlyOnce, type RunReceipts } from '../servers/dapr-ceiling-ledger';
import type { LoadOutcome } from '../servers/dapr-ceiling-load';
import { type BenchChild, forkChild } from './hub-child';
import { openRawOrderDatabase } from './order-throughput';
import { parentPidOf, processCpuMicros, processTreeCpuMicros } from './proc-stat';
import { drive } from './rates';

export const ceilingSettings = {
  /** Sends in flight for single publishes and invocations, as the orders benchmark's clients. */
  concurrency: 64,
  bulkBatchSize: 100,
  /** Bulk publish calls in flight (800 messages). */
  bulkConcurrency: 8,
  /** Messages a publisher may be ahead of its slowest subscriber; below the streams' ~10,000-entry cap. */
  windowMessages: 4_000,
  /** components/pubsub.yaml's `concurrency`: the messages one subscription's daprd takes from Redis at a time. */
  componentConcurrency: 10,
  bulkMaxAwaitMs: 40,
};

const warmUpSeconds = 2;
const drainTimeoutMs = 120_000;
/** Past components/pubsub.yaml's redeliverInterval (1 s): a redelivered duplicate would have arrived by then. */
const settleMs = 2_500;
const drainPollMs = 20;
const idleSeconds = 5;
const topics = {
  single: 'ceiling.single',
  fanOut: 'ceiling.fan-out',
  bulkFull: 'ceiling.bulk-full',
  bulkComponent: 'ceiling.bulk-component',
};
const appScript = join(__dirname, '..', 'servers', 'dapr-ceiling-app.ts');

type HopKind = 'publish' | 'publishBulk' | 'invoke';

interface Member {
  name: string;
  appId: string;
  app: BenchChild;
  sidecar: RunningDaprd;
  appPort: number;
}

/** One hop measured at saturation; CPU in microseconds over the whole measurement, by role. */
export interface HopMeasurement {
  name: string;
  kind: HopKind;
  /** Messages sent: published messages, or invocations. */
  messages: number;
  /** Messages received, over every receiving app. */
  deliveries: number;
  /** From the first send until the last message was received. */
  seconds: number;
  cpuMicros: { senderApp: number; senderDaprd: number; receiverApps: number; receiverDaprds: number; redis: number };
  /** Sender's latency of one operation (a publish call, a bulk call, an invocation). */
  p50Ms: number;
  p99Ms: number;
  /** HTTP requests daprd made to the receiving apps (one per message, or one per bulk batch). */
  deliveryRequests: number;
}

export interface PostgresStatementCost {
  statementsPerSecond: number;
  /** CPU of the PostgreSQL server (postmaster and backends) per statement. */
  serverMicros: number;
  /** CPU of the pg client (this process) per statement. */
  clientMicros: number;
}

export interface DaprCeilingMeasurements {
  cores: number;
  /** CPU of all the Dapr ceiling's processes together while nothing is sent, per second. */
  idleMicrosPerSecond: number;
  single: HopMeasurement;
  fanOut: HopMeasurement;
  invoke: HopMeasurement;
  /** Bulk publish, each message delivered singly. */
  bulkPublish: HopMeasurement;
  /** Bulk publish and bulk subscribe with batches of bulkBatchSize. */
  bulkFull: HopMeasurement;
  /** Bulk publish and bulk subscribe with batches of the component's concurrency. */
  bulkComponent: HopMeasurement;
  postgres: PostgresStatementCost;
}

export async function daprCeiling(seconds: number, logDir: string): Promise<DaprCeilingMeasurements> {
  // First, while none of the Dapr processes below run.
  const postgres = await postgresStatementCost(seconds, logDir);
  const redis = await startRedis({ logDir, name: 'ceiling-redis' });
  // The ceiling's own apps, beside the platform's in the components' scopes.
  const run = prepareDaprRunDir({ testAppIds: ceilingMembers.map(appIdOf) });
  const members: Member[] = [];
  try {
    const bulk = (maxMessagesCount: number) => ({
      maxMessagesCount,
      maxAwaitDurationMs: ceilingSettings.bulkMaxAwaitMs,
    });
    const publisher = await startMember('publisher', [], run, redis, logDir);
    members.push(publisher);
    const first = await startMember(
      'subscriber-1',
      [
        { topic: topics.single },
        { topic: topics.fanOut },
        { topic: topics.bulkFull, bulk: bulk(ceilingSettings.bulkBatchSize) },
        { topic: topics.bulkComponent, bulk: bulk(ceilingSettings.componentConcurrency) },
      ],
      run,
      redis,
      logDir,
    );
    members.push(first);
    const second = await startMember('subscriber-2', [{ topic: topics.fanOut }], run, redis, logDir);
    members.push(second);

    const idleMicrosPerSecond = await idleCpu(members, redis);
    const hop = (name: string, kind: HopKind, receivers: Member[], topic?: string, windowMessages?: number) =>
      measureHop({ name, kind, publisher, receivers, redis, topic, seconds, windowMessages });
    const { bulkBatchSize, componentConcurrency } = ceilingSettings;
    return {
      cores: availableParallelism(),
      idleMicrosPerSecond,
      single: await hop('pub/sub: 1 publisher → 1 subscriber', 'publish', [first], topics.single),
      fanOut: await hop('pub/sub: 1 publisher → 2 subscribers', 'publish', [first, second], topics.fanOut),
      invoke: await hop('service invocation: caller → callee', 'invoke', [first]),
      bulkPublish: await hop(`bulk publish (${bulkBatchSize}) → 1 subscriber`, 'publishBulk', [first], topics.single),
      bulkFull: await hop(
        `bulk publish (${bulkBatchSize}) → bulk subscribe (${bulkBatchSize}, ${ceilingSettings.bulkMaxAwaitMs} ms)`,
        'publishBulk',
        [first],
        topics.bulkFull,
        // Paced by maxAwaitDurationMs rather than CPU: a smaller window keeps its drain short.
        10 * bulkBatchSize,
      ),
      bulkComponent: await hop(
        `bulk publish (${bulkBatchSize}) → bulk subscribe (${componentConcurrency}, the component's concurrency)`,
        'publishBulk',
        [first],
        topics.bulkComponent,
      ),
      postgres,
    };
  } finally {
    await Promise.allSettled(members.map((member) => member.app.stop()));
    await Promise.allSettled(members.map((member) => member.sidecar.stop()));
    await redis.stop();
    run.remove();
  }
}

const ceilingMembers = ['publisher', 'subscriber-1', 'subscriber-2'] as const;
const appIdOf = (name: string) => `ceiling-${name}`;

async function startMember(
  name: (typeof ceilingMembers)[number],
  subscriptions: CeilingSubscription[],
  run: DaprRunDir,
  redis: RunningRedis,
  logDir: string,
): Promise<Member> {
  const appId = appIdOf(name);
  const appPort = await freePort();
  // The app listens before daprd starts: daprd reads /dapr/subscribe once, when the app port opens.
  const app = await forkChild(appId, appScript, {
    env: { APP_ID: appId, PORT: String(appPort), CEILING_SUBSCRIPTIONS: JSON.stringify(subscriptions) },
    logDir,
  });
  try {
    const sidecar = await startSidecar({ ...run, logDir }, redis.url, appId, appPort);
    await app.request('connect', { daprHttpPort: sidecar.httpPort, daprApiToken: sidecar.daprApiToken });
    if (subscriptions.length > 0) await sidecar.waitForSubscriptions(subscriptions.map((s) => s.topic));
    return { name, appId, app, sidecar, appPort };
  } catch (error) {
    await app.stop();
    throw error;
  }
}

interface HopOptions {
  name: string;
  kind: HopKind;
  publisher: Member;
  receivers: Member[];
  redis: RunningRedis;
  topic?: string;
  seconds: number;
  windowMessages?: number;
}

async function measureHop(options: HopOptions): Promise<HopMeasurement> {
  await sendAndAccount(options, warmUpSeconds); // JIT, connection pools, consumer groups
  const { publisher, receivers, redis } = options;
  const usesRedis = options.kind !== 'invoke';
  const cpuNow = () => ({
    senderApp: processCpuMicros(publisher.app.pid),
    senderDaprd: processCpuMicros(pidOf(publisher.sidecar)),
    receiverApps: sum(receivers.map((r) => processCpuMicros(r.app.pid))),
    receiverDaprds: sum(receivers.map((r) => processCpuMicros(pidOf(r.sidecar)))),
    redis: usesRedis ? processCpuMicros(pidOf(redis)) : 0,
  });
  const before = cpuNow();
  const started = performance.now();
  const { outcome, receipts, drainedAt, after } = await sendAndAccount(options, options.seconds, cpuNow);
  return {
    name: options.name,
    kind: options.kind,
    messages: outcome.sent,
    deliveries: sum(receipts.map((r) => r.distinct)),
    seconds: (drainedAt - started) / 1000,
    cpuMicros: {
      senderApp: after.senderApp - before.senderApp,
      senderDaprd: after.senderDaprd - before.senderDaprd,
      receiverApps: after.receiverApps - before.receiverApps,
      receiverDaprds: after.receiverDaprds - before.receiverDaprds,
      redis: after.redis - before.redis,
    },
    p50Ms: outcome.p50Ms,
    p99Ms: outcome.p99Ms,
    deliveryRequests: sum(receipts.map((r) => r.requests)),
  };
}

/**
 * Sends for `seconds`, waits until every receiver has every message, takes `snapshot` right then, and proves
 * after a settling pause that each message arrived exactly once at each receiver; throws otherwise.
 */
async function sendAndAccount<T>(options: HopOptions, seconds: number, snapshot?: () => T) {
  const { publisher, receivers } = options;
  const { concurrency, bulkConcurrency, bulkBatchSize, windowMessages } = ceilingSettings;
  const run = `${options.kind}-${randomUUID().slice(0, 8)}`;
  const args =
    options.kind === 'invoke'
      ? { run, seconds, concurrency, targetAppId: receivers[0]?.appId }
      : {
          run,
          seconds,
          topic: options.topic,
          concurrency: options.kind === 'publishBulk' ? bulkConcurrency : concurrency,
          batchSize: options.kind === 'publishBulk' ? bulkBatchSize : 1,
          windowMessages: options.windowMessages ?? windowMessages,
          receiptUrls: receivers.map((r) => `http://127.0.0.1:${r.appPort}/receipts/${run}`),
        };
  const outcome = await publisher.app.request<LoadOutcome>(options.kind, args, seconds * 1000 + drainTimeoutMs);
  if (outcome.failures > 0) {
    throw new Error(
      `${options.name}: ${outcome.failures} of ${outcome.operations} sends failed: ${outcome.firstFailure}`,
    );
  }
  const deadline = Date.now() + drainTimeoutMs;
  for (const receiver of receivers) {
    for (;;) {
      const receipts = await receiver.app.request<RunReceipts>('receipts', { run, expected: outcome.sent });
      if (receipts.distinct >= outcome.sent) break;
      if (Date.now() > deadline) {
        throw new Error(
          `${options.name}: ${receiver.name} received ${receipts.distinct} of ${outcome.sent} messages ` +
            `${drainTimeoutMs} ms after the last send (${JSON.stringify(receipts)})`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, drainPollMs));
    }
  }
  const drainedAt = performance.now();
  const after = snapshot?.() as T;
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  const receipts: RunReceipts[] = [];
  for (const receiver of receivers) {
    const account = await receiver.app.request<RunReceipts>('receipts', { run, expected: outcome.sent });
    if (!exactlyOnce(account, outcome.sent)) {
      throw new Error(
        `${options.name}: ${receiver.name} did not receive each of the ${outcome.sent} messages exactly once: ` +
          JSON.stringify(account),
      );
    }
    receipts.push(account);
  }
  return { outcome, receipts, drainedAt, after };
}

async function idleCpu(members: Member[], redis: RunningRedis): Promise<number> {
  const pids = [...members.flatMap((m) => [m.app.pid, pidOf(m.sidecar)]), pidOf(redis)];
  const before = sum(pids.map(processCpuMicros));
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
  return (sum(pids.map(processCpuMicros)) - before) / ((performance.now() - started) / 1000);
}

function pidOf(holder: { process: { child: { pid?: number } } }): number {
  const pid = holder.process.child.pid;
  if (pid === undefined) throw new Error('the process has no pid (it did not start)');
  return pid;
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/**
 * CPU per statement of the raw baseline's order transaction (BEGIN, guarded UPDATE, INSERT, COMMIT through pg) at
 * the same concurrency: the server's backends and the client in this process.
 */
async function postgresStatementCost(seconds: number, logDir: string): Promise<PostgresStatementCost> {
  const statementsPerTransaction = 4;
  const productCount = 20;
  const { concurrency } = ceilingSettings;
  const database = await openRawOrderDatabase({
    logDir,
    name: 'bench_ceiling',
    products: productCount,
    stock: 1_000_000_000,
    connections: concurrency,
  });
  try {
    const backend = (await database.pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
    const postmaster = parentPidOf(Number(backend));
    let sequence = 0;
    const transaction = async () => {
      const product = sequence++ % productCount;
      if (!(await database.order(product))) throw new Error(`product ${product} ran out of its billion units`);
      return true;
    };
    await drive(concurrency, warmUpSeconds, transaction); // all 64 backends started before measuring
    const serverBefore = processTreeCpuMicros(postmaster);
    const clientBefore = process.cpuUsage();
    const measured = await drive(concurrency, seconds, transaction);
    const client = process.cpuUsage(clientBefore);
    const serverMicros = processTreeCpuMicros(postmaster) - serverBefore;
    const statements = measured.succeeded * statementsPerTransaction;
    return {
      statementsPerSecond: Math.round(statements / seconds),
      serverMicros: serverMicros / statements,
      clientMicros: (client.user + client.system) / statements,
    };
  } finally {
    await database.close();
  }
}
