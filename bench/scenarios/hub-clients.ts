// The load generators of the hub benchmark as one group: connections spread over forked processes (each under
// the machine's 20,000 open files per process, each leaving from its own loopback address), commands sent to all.
import { join } from 'node:path';
import { type BenchChild, forkChild } from './hub-child';

export type ClientKind = 'signalr' | 'ws' | 'socketio';

export interface OpenOptions {
  kind: ClientKind;
  origin: string;
  path: string;
  productId?: string;
}

export interface ClientStatus {
  connections: number;
  open: number;
  drops: number;
  closeMessages: number;
  deliveries: number;
  rssBytes: number;
  openFiles: number;
  /** CPU time of all the load-generator processes so far. */
  cpuMicros: number;
}

export interface Latencies {
  count: number;
  minMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Connections per load-generator process: two processes share 10,000, so they use both cores. */
export const connectionsPerClientProcess = 5_000;
const openConcurrency = 64;
let processesStarted = 0;

export class ClientGroup {
  private readonly processes: Array<{ child: BenchChild; connections: number }> = [];

  constructor(private readonly logDir: string) {}

  get connections(): number {
    return this.processes.reduce((sum, p) => sum + p.connections, 0);
  }

  /** Opens `count` more connections in new processes; answers how long that took and how many failed. */
  async open(count: number, options: OpenOptions): Promise<{ seconds: number; failed: number; firstError?: string }> {
    const sizes: number[] = [];
    for (let left = count; left > 0; left -= connectionsPerClientProcess) {
      sizes.push(Math.min(left, connectionsPerClientProcess));
    }
    const started = await Promise.all(
      sizes.map(async (size) => {
        const index = processesStarted++;
        const child = await forkChild(`clients-${index}`, join(__dirname, 'hub-load-clients.ts'), {
          logDir: this.logDir,
        });
        return { child, size, localAddress: `127.0.0.${10 + (index % 240)}` };
      }),
    );
    const startedMs = Date.now();
    const results = await Promise.all(
      started.map(({ child, size, localAddress }) =>
        child.request<{ failed: number; firstError?: string }>(
          'open',
          { ...options, count: size, concurrency: openConcurrency, localAddress },
          600_000,
        ),
      ),
    );
    for (const { child, size } of started) this.processes.push({ child, connections: size });
    const failed = results.reduce((sum, r) => sum + r.failed, 0);
    return {
      seconds: (Date.now() - startedMs) / 1000,
      failed,
      firstError: results.find((r) => r.firstError)?.firstError,
    };
  }

  /** Zeroes the delivery counters; with `record`, keeps each delivery's arrival time for latencies(). */
  async reset(record: boolean): Promise<void> {
    await Promise.all(this.processes.map(({ child }) => child.request('reset', { record })));
  }

  /** Waits until every connection has received `perConnection` deliveries since the reset; false on timeout. */
  async awaitDeliveries(perConnection: number, timeoutMs: number): Promise<boolean> {
    const answers = await Promise.all(
      this.processes.map(({ child, connections }) =>
        child.request<{ reached: boolean }>(
          'awaitDeliveries',
          { total: perConnection * connections, timeoutMs },
          timeoutMs + 10_000,
        ),
      ),
    );
    return answers.every((answer) => answer.reached);
  }

  /** Delivery latencies since the last recording reset, against the send time of each message key. */
  async latencies(sent: Array<[number, number]>): Promise<Latencies> {
    return percentiles((await this.deliveries(sent)).buckets);
  }

  /**
   * The deliveries since the last recording reset, against the send time of each message key: a histogram of
   * 0.1 ms buckets, and how many sends reached a load-generator process first after `lateMs` or more (every
   * connection of a process is on one server, so a send held back there shows as a late first arrival).
   */
  async deliveries(sent: Array<[number, number]>, lateMs = Number.POSITIVE_INFINITY): Promise<RecordedDeliveries> {
    const answers = await Promise.all(
      this.processes.map(({ child }) =>
        child.request<{ histogram: Array<[number, number]>; firstArrivals: Array<[number, number]> }>(
          'latencies',
          { sent },
          120_000,
        ),
      ),
    );
    const buckets = new Map<number, number>();
    let lateFirstArrivals = 0;
    for (const answer of answers) {
      addBuckets(buckets, answer.histogram);
      lateFirstArrivals += answer.firstArrivals.filter(([, firstMs]) => firstMs >= lateMs).length;
    }
    return { buckets, lateFirstArrivals };
  }

  /** How many connections were told which onHand when they subscribed (their first StockChanged). */
  async snapshots(): Promise<Map<number, number>> {
    const answers = await Promise.all(
      this.processes.map(({ child }) => child.request<Array<[number, number]>>('snapshots')),
    );
    const told = new Map<number, number>();
    for (const answer of answers) addBuckets(told, answer);
    return told;
  }

  async status(): Promise<ClientStatus> {
    return combinedStatus(await Promise.all(this.processes.map(({ child }) => child.request<ClientStatus>('status'))));
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.processes.map(({ child }) => child.request('close')));
    await Promise.allSettled(this.processes.splice(0).map(({ child }) => child.stop()));
  }
}

export interface RecordedDeliveries {
  /** Deliveries per 0.1 ms of latency. */
  buckets: Map<number, number>;
  lateFirstArrivals: number;
}

/** Adds counts into `into`, key by key. */
export function addBuckets(into: Map<number, number>, counts: Iterable<[number, number]>): Map<number, number> {
  for (const [key, count] of counts) into.set(key, (into.get(key) ?? 0) + count);
  return into;
}

/** p50, p99 and max of a histogram of 0.1 ms buckets. */
export function percentiles(buckets: Map<number, number>): Latencies {
  const sorted = [...buckets.entries()].sort((a, b) => a[0] - b[0]);
  const count = sorted.reduce((sum, [, n]) => sum + n, 0);
  const at = (quantile: number) => {
    const rank = Math.ceil(quantile * count);
    let seen = 0;
    for (const [bucket, n] of sorted) {
      seen += n;
      if (seen >= rank) return bucket / 10;
    }
    return Number.NaN;
  };
  return {
    count,
    minMs: count ? (sorted[0]?.[0] ?? 0) / 10 : Number.NaN,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    maxMs: count ? (sorted[sorted.length - 1]?.[0] ?? 0) / 10 : Number.NaN,
  };
}

/** Several load generators' status as one: counts added up, the largest process's memory and open files. */
export function combinedStatus(statuses: ClientStatus[]): ClientStatus {
  const sum = (key: keyof ClientStatus) => statuses.reduce((total, status) => total + status[key], 0);
  return {
    connections: sum('connections'),
    open: sum('open'),
    drops: sum('drops'),
    closeMessages: sum('closeMessages'),
    deliveries: sum('deliveries'),
    cpuMicros: sum('cpuMicros'),
    rssBytes: Math.max(...statuses.map((status) => status.rssBytes)),
    openFiles: Math.max(...statuses.map((status) => status.openFiles)),
  };
}
