// `npx tsx bench/dapr-orders.ts`: completed orders through the Dapr topology alone, with what each process spent
// per completed order (CPU from /proc, sampled twice a second, taken from the first placement to the last Paid),
// what the sidecars counted per placed order (publishes, deliveries, invocations) and PostgreSQL's transactions.
// BENCH_PRODUCTION=1 runs the services as production does (productionEnv: NODE_ENV=production, LOG_LEVEL=warn).
import { readdirSync, readFileSync } from 'node:fs';
import { Client } from 'pg';
import { startTopology, stopTopology } from '../tests/e2e/support/topology';
import { metricsPortsOf, sidecarCounts } from './scenarios/dapr-sidecar-counts';
import { orderThroughput } from './scenarios/order-throughput';
import { cpuPerUnit, databaseUrlUnder, describeTopologyCpu, processTreeCpu } from './scenarios/process-cpu';
import { productionEnv } from './scenarios/production-env';
import { developmentAdmin, ShopClient } from './scenarios/shop-client';
import { appMetricsUrlsOf } from './scenarios/statement-counts';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);

function topologyRoot(): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === process.pid && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('start-dapr')) {
        return Number(entry);
      }
    } catch {}
  }
  throw new Error('no start-dapr process under this one');
}

async function transactions(url: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      "SELECT sum(xact_commit + xact_rollback)::bigint AS n FROM pg_stat_database WHERE datname NOT IN ('postgres','template0','template1')",
    );
    return Number(rows[0].n);
  } finally {
    await client.end();
  }
}

async function paidOrders(origin: string): Promise<Array<{ createdAt: string; updatedAt: string }>> {
  const client = new ShopClient(origin);
  const admin = await client.login(developmentAdmin.email, developmentAdmin.password);
  const orders: Array<{ createdAt: string; updatedAt: string }> = [];
  let cursor: string | null = null;
  do {
    const query = `/api/orders?status=Paid&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = await client.json('GET', query, undefined, admin);
    orders.push(...(page.items as typeof orders));
    cursor = page.nextCursor as string | null;
  } while (cursor);
  return orders;
}

async function main() {
  const env = { FRAUD_REVIEW_SCORE: '101', ...(process.env.BENCH_PRODUCTION ? productionEnv() : {}) };
  const origin = await startTopology('dapr', env);
  try {
    const root = topologyRoot();
    const ports = metricsPortsOf(process.env.E2E_DAPR_TOPOLOGY_FILE as string);
    const dbUrl = databaseUrlUnder(root);
    const postgresPort = Number(new URL(dbUrl).port);
    const samples: Array<{ at: number; cpu: Map<string, number> }> = [];
    const sample = () => samples.push({ at: Date.now(), cpu: processTreeCpu(root, { postgresPort }) });
    // What the topology spends doing nothing (relays' and sidecars' polls, health checks), per second.
    sample();
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    sample();
    const idle = samples.slice(-2) as Array<{ at: number; cpu: Map<string, number> }>;
    const idleSeconds = ((idle[1]?.at ?? 0) - (idle[0]?.at ?? 0)) / 1000;
    const idleCores =
      [...(idle[1]?.cpu ?? [])].reduce((sum, [role, micros]) => sum + micros - (idle[0]?.cpu.get(role) ?? 0), 0) /
      1e6 /
      idleSeconds;
    const idleByRole = [...(idle[1]?.cpu ?? [])]
      .map(([role, micros]) => [role, (micros - (idle[0]?.cpu.get(role) ?? 0)) / 1000 / idleSeconds] as const)
      .filter(([, ms]) => ms >= 5)
      .sort((a, b) => b[1] - a[1]);
    const sampler = setInterval(sample, 500);
    const countsBefore = await sidecarCounts(ports);
    const xactBefore = await transactions(dbUrl);
    let summary: string;
    try {
      const result = await orderThroughput(
        'orders placed → Paid, Dapr topology',
        origin,
        seconds,
        undefined,
        appMetricsUrlsOf(process.env.E2E_DAPR_TOPOLOGY_FILE as string),
      );
      summary = `${result.name}: ${result.perSecond}/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms; ${result.note}`;
    } catch (error) {
      // A failed check still leaves the cost of what completed worth printing.
      summary = `the run's check failed: ${(error as Error).message}`;
    }
    clearInterval(sampler);
    sample();
    const countsAfter = await sidecarCounts(ports);
    const xactAfter = await transactions(dbUrl);
    const paid = await paidOrders(origin);
    const first = Math.min(...paid.map((o) => Date.parse(o.createdAt)));
    const last = Math.max(...paid.map((o) => Date.parse(o.updatedAt)));
    const from = [...samples].reverse().find((s) => s.at <= first) ?? samples[0];
    const to = samples.find((s) => s.at >= last) ?? samples[samples.length - 1];
    console.log(summary);
    const per = (a: number, b: number) => ((a - b) / paid.length).toFixed(2);
    console.log(
      `  per Paid order (whole run, seeding included): publishes ${per(countsAfter.publishes, countsBefore.publishes)} ` +
        `in ${per(countsAfter.publishCalls, countsBefore.publishCalls)} bulk calls, deliveries ` +
        `${per(countsAfter.deliveries, countsBefore.deliveries)} in ${per(countsAfter.deliveryCalls, countsBefore.deliveryCalls)} bulk calls, ` +
        `invocations ${per(countsAfter.invocations, countsBefore.invocations)}, PostgreSQL transactions ${per(xactAfter, xactBefore)}`,
    );
    const routes = [...countsAfter.deliveriesByRoute]
      .map(([route, n]) => [route, (n - (countsBefore.deliveriesByRoute.get(route) ?? 0)) / paid.length] as const)
      .filter(([, n]) => n >= 0.05)
      .sort((a, b) => b[1] - a[1]);
    console.log(`  deliveries per Paid order: ${routes.map(([r, n]) => `${r} ${n.toFixed(2)}`).join('; ')}`);
    if (process.env.BENCH_METRICS_DUMP) {
      const text = await (await fetch(`http://127.0.0.1:${ports[0]}/metrics`)).text();
      console.log(
        text
          .split('\n')
          .filter((l) => l.startsWith('dapr_component_pubsub'))
          .slice(0, 40)
          .join('\n'),
      );
    }
    console.log(
      `  ${paid.length} Paid; CPU from ${new Date(from?.at ?? 0).toISOString()} to ${new Date(to?.at ?? 0).toISOString()} ` +
        `(${(((to?.at ?? 0) - (from?.at ?? 0)) / 1000).toFixed(1)} s)`,
    );
    const windowSeconds = ((to?.at ?? 0) - (from?.at ?? 0)) / 1000;
    console.log(
      `  idle: ${(idleCores * 1000).toFixed(0)} ms of CPU per second; over the window that is ` +
        `${((idleCores * windowSeconds * 1000) / paid.length).toFixed(1)} ms per order of the figures below ` +
        `(${idleByRole.map(([role, ms]) => `${role} ${ms.toFixed(0)}`).join(', ')})`,
    );
    console.log(
      describeTopologyCpu(cpuPerUnit(from?.cpu ?? new Map(), to?.cpu ?? new Map(), paid.length), 'completed order'),
    );
  } finally {
    await stopTopology('dapr');
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
