import Router from '@koa/router';
import type { Registry } from 'prom-client';
import { scrapeTimeGauge } from './metrics';

/** A dependency the service needs to serve traffic (its database, its sidecar). */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface HealthState {
  /** False once shutdown began: the load balancer should stop sending traffic. */
  accepting: boolean;
}

const checkTimeoutMs = 2_000;

async function runCheck(check: ReadinessCheck): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check.check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${checkTimeoutMs} ms`)), checkTimeoutMs);
      }),
    ]);
    return undefined;
  } catch (error) {
    return (error as Error).message || 'failed';
  } finally {
    clearTimeout(timer);
  }
}

/** `/healthz` (the process is alive), `/readyz` (its dependencies answer), `/metrics` (Prometheus text). */
export function operationsRouter(options: {
  checks: () => ReadinessCheck[];
  state: HealthState;
  /** Served at /metrics; without it the path is not answered here (a public port scraped elsewhere). */
  metrics?: Registry;
}) {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const checks = options.checks();
    const failures = await Promise.all(checks.map(runCheck));
    const results = Object.fromEntries(checks.map((check, i) => [check.name, failures[i] ?? 'ok']));
    const ready = options.state.accepting && failures.every((failure) => failure === undefined);
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : options.state.accepting ? 'not-ready' : 'shutting-down', checks: results };
  });
  const { metrics } = options;
  if (metrics) {
    // What /readyz says, for an alert: 1 per check that passes, 0 per check that fails (the name says which).
    scrapeTimeGauge(
      metrics,
      {
        name: 'shop_readiness_check',
        help: 'Readiness checks of /readyz: 1 passes, 0 fails (shutting down fails every check)',
        labelNames: ['check'] as const,
      },
      async () => {
        const checks = options.checks();
        const failures = await Promise.all(checks.map(runCheck));
        return checks.map((check, i) => ({
          labels: { check: check.name },
          value: options.state.accepting && failures[i] === undefined ? 1 : 0,
        }));
      },
    );
    router.get('/metrics', async (ctx) => {
      ctx.type = metrics.contentType;
      ctx.body = await metrics.metrics();
    });
  }
  return router;
}
