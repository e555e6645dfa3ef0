import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { json } from '@shop/testkit/src/listen';
import type { DataSource } from 'typeorm';
import { openDataSource } from '../../src/data/data-source';
import { type EmbeddedPlatform, runEmbedded } from '../../src/host/run-embedded';
import type { ServiceManifest } from '../../src/host/service-manifest';
import { intervalJob, type Job, serviceRuntime } from '../../src/host/service-runtime';
import { ApiRoutes } from '../../src/http/api-routes';
import { createLogger } from '../../src/log/logger';
import { CreateWidgets1732200000000, WidgetEntity } from '../data/support/widgets';

const log = createLogger({ name: 'test', level: 'fatal' });

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'ordered-shutdown-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

/** A job that writes down, when it stops, whether the database was still open to it. */
function recordingJob(name: string, events: string[], data: () => DataSource): Job {
  return {
    start: () => void events.push(`${name} started`),
    async stop() {
      // A job's last pass may still need the database: it must be open until every job stopped.
      await data().query('SELECT 1');
      events.push(`${name} stopped, database open: ${data().isInitialized}`);
    },
  };
}

describe('the ordered shutdown', () => {
  it('stops taking requests, drains them, stops the jobs (last first), closes what setup opened, then the data', async () => {
    const events: string[] = [];
    let dataSource: DataSource | undefined;
    let finishSlowRequest: () => void = () => undefined;
    const widgets: ServiceManifest = {
      name: 'widgets',
      publicPaths: ['/api/slow'],
      data: { entities: [WidgetEntity], migrations: [CreateWidgets1732200000000] },
      outbox: true,
      async setup(context) {
        dataSource = context.dataSource;
        const api = new ApiRoutes();
        api.get(
          '/api/slow',
          {
            summary: 'Answers when the test says so',
            access: 'anyone',
            responses: { 200: { description: 'The count' } },
          },
          async (ctx) => {
            events.push('request began');
            await new Promise<void>((resolve) => {
              finishSlowRequest = resolve;
            });
            ctx.body = { count: (await context.dataSource.query('SELECT count(*) AS n FROM widgets'))[0].n };
            events.push('request answered');
          },
        );
        const data = () => context.dataSource;
        return {
          router: api.router,
          jobs: [recordingJob('first job', events, data), recordingJob('second job', events, data)],
          close: () => void events.push(`service closed, database open: ${data().isInitialized}`),
        };
      },
    };
    const platform: EmbeddedPlatform = await runEmbedded([widgets], {
      env: { PORT: '0', SHOP_DATA_DIR: dataDir, LOG_LEVEL: 'fatal' },
      log,
    });
    expect(await json(await fetch(`${platform.url}/readyz`))).toEqual({
      status: 'ready',
      checks: { 'widgets.database': 'ok' },
    });

    const slow = fetch(`${platform.url}/api/slow`);
    while (!events.includes('request began')) await new Promise((resolve) => setTimeout(resolve, 5));
    const shutdown = platform.shutdown();
    // Shutting down, the server refuses new work at once (readiness fails) while the slow request is in flight.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events).not.toContain('second job stopped, database open: true');
    finishSlowRequest();
    expect((await slow).status).toBe(200);
    await shutdown;

    expect(events).toEqual([
      'first job started',
      'second job started',
      'request began',
      'request answered',
      'second job stopped, database open: true',
      'first job stopped, database open: true',
      'service closed, database open: true',
    ]);
    expect(dataSource?.isInitialized).toBe(false);
  });

  it('closes the data even when a job fails to stop', async () => {
    const dataSource = await openDataSource('sqlite::memory:', { entities: [], migrations: [], lockName: 'failing' });
    const stopped: string[] = [];
    const runtime = serviceRuntime({
      log,
      dataSource,
      jobs: [
        { start: () => undefined, stop: () => void stopped.push('healthy') },
        {
          start: () => undefined,
          stop: () => {
            throw new Error('stuck');
          },
        },
      ],
    });
    await runtime.start();
    await runtime.stop();
    expect(stopped).toEqual(['healthy']);
    expect(dataSource.isInitialized).toBe(false);
  });

  it('stops only the jobs that started, when one of them failed to start', async () => {
    const dataSource = await openDataSource('sqlite::memory:', { entities: [], migrations: [], lockName: 'partial' });
    const stopped: string[] = [];
    const runtime = serviceRuntime({
      log,
      dataSource,
      jobs: [
        { start: () => undefined, stop: () => void stopped.push('started one') },
        {
          start: () => Promise.reject(new Error('cannot start')),
          stop: () => void stopped.push('never started'),
        },
      ],
    });
    await expect(runtime.start()).rejects.toThrow('cannot start');
    await runtime.stop();
    expect(stopped).toEqual(['started one']);
    expect(dataSource.isInitialized).toBe(false);
  });
});

describe('the data a manifest declares', () => {
  it('is opened, migrated and handed to setup; a service declaring none is told so if it asks', async () => {
    const seen: { widgets?: unknown; error?: string } = {};
    const withData: ServiceManifest = {
      name: 'with-data',
      publicPaths: ['/api/with'],
      data: { entities: [WidgetEntity], migrations: [CreateWidgets1732200000000] },
      async setup({ dataSource }) {
        seen.widgets = await dataSource.query('SELECT count(*) AS n FROM widgets');
        return { router: new ApiRoutes().router };
      },
    };
    const without: ServiceManifest = {
      name: 'without-data',
      publicPaths: ['/api/without'],
      async setup(context) {
        try {
          void context.dataSource;
        } catch (error) {
          seen.error = (error as Error).message;
        }
        return { router: new ApiRoutes().router };
      },
    };
    const platform = await runEmbedded([withData, without], {
      env: { PORT: '0', SHOP_DATA_DIR: dataDir, LOG_LEVEL: 'fatal' },
      log,
    });
    try {
      expect(seen).toEqual({
        widgets: [{ n: 0 }],
        error: 'service without-data uses a database but its manifest declares no data',
      });
      // Only the service with data has the kit's database check.
      expect(await json(await fetch(`${platform.url}/readyz`))).toEqual({
        status: 'ready',
        checks: { 'with-data.database': 'ok' },
      });
    } finally {
      await platform.shutdown();
    }
  });
});

describe('a manifest that declares an outbox', () => {
  it('is refused at start without data to keep it in', async () => {
    const outboxOnly: ServiceManifest = {
      name: 'outbox-only',
      publicPaths: ['/api/outbox-only'],
      outbox: true,
      setup: async () => ({ router: new ApiRoutes().router }),
    };
    await expect(
      runEmbedded([outboxOnly], { env: { PORT: '0', SHOP_DATA_DIR: dataDir, LOG_LEVEL: 'fatal' }, log }),
    ).rejects.toThrow('service outbox-only declares an outbox but no data');
  });
});

describe('an interval job', () => {
  it('runs at start when asked, then every interval, never two passes at once, and waits for the last at stop', async () => {
    let running = 0;
    let overlapped = false;
    let passes = 0;
    const job = intervalJob({
      name: 'counting',
      everyMs: 5,
      runAtStart: true,
      log,
      async run() {
        running += 1;
        if (running > 1) overlapped = true;
        await new Promise((resolve) => setTimeout(resolve, 20));
        passes += 1;
        running -= 1;
      },
    });
    await job.start();
    expect(passes).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await job.stop();
    const afterStop = passes;
    expect(running).toBe(0);
    expect(afterStop).toBeGreaterThan(1);
    expect(overlapped).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(passes).toBe(afterStop);
  });

  it('fails its start when the first pass fails, and logs later failures without stopping', async () => {
    const failing = intervalJob({
      name: 'failing',
      everyMs: 5,
      runAtStart: true,
      log,
      run: () => Promise.reject(new Error('no keys')),
    });
    await expect(failing.start()).rejects.toThrow('no keys');

    let attempts = 0;
    const flaky = intervalJob({
      name: 'flaky',
      everyMs: 5,
      log,
      async run() {
        attempts += 1;
        throw new Error('flaky');
      },
    });
    await flaky.start();
    await new Promise((resolve) => setTimeout(resolve, 60));
    await flaky.stop();
    expect(attempts).toBeGreaterThan(1);
  });
});
