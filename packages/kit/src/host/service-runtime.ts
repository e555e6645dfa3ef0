import type { DataSource } from 'typeorm';
import { IdempotencySweeper } from '../data/idempotency';
import { OutboxRelay, type OutboxRelayOptions } from '../data/outbox-relay';
import type { ReadinessCheck } from '../http/health';
import type { Logger } from '../log/logger';

/** Background work of a service: started after the server listens, stopped before the data closes. */
export interface Job {
  start(): void | Promise<void>;
  /** Stops scheduling and waits for the pass in flight. */
  stop(): void | Promise<void>;
}

export interface ServiceRuntimeOptions {
  log: Logger;
  /** The service's opened data; the runtime adds its readiness check, sweeps its idempotency keys and closes it. */
  dataSource?: DataSource;
  /** Given when the service writes an outbox: the relay publishes its rows. */
  outbox?: OutboxRelayOptions;
  jobs?: Job[];
  readiness?: ReadinessCheck[];
  /** Closes what the service opened itself (caches, other connections), after its jobs and before its data. */
  close?(): void | Promise<void>;
}

export interface ServiceRuntime {
  readiness: ReadinessCheck[];
  /** Starts the relay, the sweeper and the service's jobs, in that order. */
  start(): Promise<void>;
  /**
   * The end of the ordered shutdown, once the server takes no more requests and they drained: the service's jobs
   * (last started, first stopped), the sweeper and the relay, what the service opened itself, then the data.
   * A step that fails is logged and the next still runs, so the data is closed whatever happened before.
   */
  stop(): Promise<void>;
}

/** What the kit runs around a service's own parts: the same in both topologies and in service tests. */
export function serviceRuntime(options: ServiceRuntimeOptions): ServiceRuntime {
  const { dataSource, log } = options;
  const kitJobs: Job[] = [];
  if (dataSource && options.outbox) kitJobs.push(new OutboxRelay(dataSource, { logger: log, ...options.outbox }));
  if (dataSource) kitJobs.push(new IdempotencySweeper(dataSource, { log }));
  const jobs = [...kitJobs, ...(options.jobs ?? [])];
  const databaseCheck: ReadinessCheck[] = dataSource
    ? [{ name: 'database', check: async () => void (await dataSource.query('SELECT 1')) }]
    : [];
  let started: Job[] = [];
  return {
    readiness: [...databaseCheck, ...(options.readiness ?? [])],
    async start() {
      for (const job of jobs) {
        await job.start();
        started.push(job);
      }
    },
    async stop() {
      const steps: Array<[string, () => unknown]> = [
        ...[...started].reverse().map((job): [string, () => unknown] => ['stopping a job', () => job.stop()]),
        ['closing the service', () => options.close?.()],
        ['closing the database', () => (dataSource?.isInitialized ? dataSource.destroy() : undefined)],
      ];
      started = [];
      for (const [step, run] of steps) {
        try {
          await run();
        } catch (error) {
          log.error({ err: error }, `shutdown: ${step} failed`);
        }
      }
    },
  };
}

export interface IntervalJobOptions {
  /** Names the job in logs. */
  name: string;
  everyMs: number;
  run(): Promise<unknown>;
  log: Logger;
  /** Runs once as the job starts, and a failure there fails the start (work the service needs before serving). */
  runAtStart?: boolean;
}

/** Runs `run` every `everyMs`, one pass at a time; a failed pass is logged and the next one tries again. */
export function intervalJob(options: IntervalJobOptions): Job {
  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<void> | undefined;
  const runLogged = async () => {
    try {
      await options.run();
    } catch (error) {
      options.log.error({ err: error, job: options.name }, `${options.name} failed; will retry`);
    } finally {
      pass = undefined;
    }
  };
  return {
    async start() {
      if (timer) return;
      if (options.runAtStart) await options.run();
      // A pass still running when the next is due is not joined by another: the tick is skipped.
      timer = setInterval(() => {
        pass ??= runLogged();
      }, options.everyMs);
      // A pending pass never keeps the process alive on its own.
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await pass;
    },
  };
}
