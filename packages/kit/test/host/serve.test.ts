import Router from '@koa/router';
import { createHttpApp } from '../../src/host/http-app';
import { serve } from '../../src/host/serve';
import type { HealthState } from '../../src/http/health';
import { createMetricsRegistry } from '../../src/http/metrics';
import { createLogger } from '../../src/log/logger';

describe('graceful shutdown', () => {
  it('lets an in-flight request finish, refuses new ones, then runs the closers in order', async () => {
    const router = new Router();
    let releaseSlow: () => void = () => {};
    router.get('/slow', async (ctx) => {
      await new Promise<void>((resolve) => {
        releaseSlow = resolve;
      });
      ctx.body = { done: true };
    });
    const health: HealthState = { accepting: true };
    const log = createLogger({ name: 'serve-test', level: 'fatal' });
    const closed: string[] = [];
    const app = createHttpApp({
      name: 'test',
      log,
      metrics: createMetricsRegistry(),
      health,
      readiness: () => [],
      routers: [router],
    });
    const running = await serve(app, {
      host: '127.0.0.1',
      port: 0,
      log,
      health,
      graceMs: 5_000,
      handleSignals: false,
      closers: [
        async () => {
          closed.push('relay');
        },
        async () => {
          closed.push('database');
        },
      ],
    });
    const url = `http://127.0.0.1:${running.port}`;
    const inFlight = fetch(`${url}/slow`);
    await new Promise((r) => setTimeout(r, 100));
    const shutdown = running.shutdown();
    expect(health.accepting).toBe(false);
    await new Promise((r) => setTimeout(r, 100));
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    releaseSlow();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ done: true });
    await shutdown;
    expect(closed).toEqual(['relay', 'database']);
  });
});
