// `npm run bench`: each figure is measured next to its baseline in the same run, so the ratio holds when
// the machine's speed drifts. Servers run as child processes; the load generator is this process (on the
// same 2 cores, so absolute figures are lower bounds).
import { join, resolve } from 'node:path';
import { startTopology, stopTopology, type TopologyKind, topologyPid } from '../tests/e2e/support/topology';
import { analyticsReads } from './scenarios/analytics-reads';
import { cartThroughput } from './scenarios/cart-throughput';
import { daprCeiling } from './scenarios/dapr-ceiling';
import { printDaprCeiling } from './scenarios/dapr-ceiling-report';
import { fraudScoring, printFraudScoring } from './scenarios/fraud-scoring';
import { hotSkuReservations } from './scenarios/hot-sku-reservations';
import { httpOverhead, printHttpOverhead } from './scenarios/http-overhead';
import { hubFanOutSection, hubSection } from './scenarios/hub-report';
import { notificationThroughput } from './scenarios/notification-throughput';
import { orderThroughput, rawOrderTransactions } from './scenarios/order-throughput';
import { databaseUrlUnder } from './scenarios/process-cpu';
import { productionEnv } from './scenarios/production-env';
import type { RateResult } from './scenarios/rates';
import { recommendationReads } from './scenarios/recommendation-reads';
import { printQuality, recommendationsOffline } from './scenarios/recommendations-offline';
import { appMetricsUrlsOf } from './scenarios/statement-counts';

const root = join(__dirname, '..');
const durationSeconds = Number(process.env.BENCH_SECONDS ?? 10);
/**
 * BENCH_ONLY=<some of these, comma-separated> picks sections; all of them by default. `hub-fan-out` is the first
 * table of `hub` alone (the hub, `npm start` and socket.io against a bare ws server).
 */
const allSections = 'http,reservations,orders,cart,hub,notifications,analytics,recommendations,fraud';
const sections = new Set((process.env.BENCH_ONLY ?? allSections).split(','));
/** BENCH_TOPOLOGIES=embedded (or dapr) measures the orders section on one topology; both by default. */
const topologies = new Set((process.env.BENCH_TOPOLOGIES ?? 'embedded,dapr').split(','));

async function main(): Promise<void> {
  const logDir = join(root, '.tmp', 'bench');
  if (sections.has('http')) {
    printHttpOverhead(await httpOverhead(durationSeconds, join(logDir, 'http')), durationSeconds);
  }
  if (sections.has('reservations')) {
    const rates = await hotSkuReservations(durationSeconds, logDir);
    printRates('Hot-SKU reservations on PostgreSQL (32 concurrent transactions, pool 32)', rates);
  }
  if (sections.has('orders')) {
    const rates = [await rawOrderTransactions(durationSeconds, logDir)];
    const measured = new Map<TopologyKind, RateResult>();
    for (const [kind, label] of [
      ['embedded', 'embedded topology (one process, SQLite)'],
      ['dapr', 'Dapr topology (a process and a daprd per service, PostgreSQL, Redis Streams)'],
    ] as Array<[TopologyKind, string]>) {
      if (!topologies.has(kind)) continue;
      // Throughput, not review: 32 customers place far more than five orders each within ten minutes, which the
      // contract holds for review. FRAUD_REVIEW_SCORE=101 holds nothing; every order is still scored.
      // Both as production runs them (no development checks, warn-level logs).
      const origin = await startTopology(kind, { ...productionEnv(), FRAUD_REVIEW_SCORE: '101' }, profiling(kind));
      const rootPid = topologyPid(kind);
      const postgresPort =
        kind === 'dapr' && rootPid !== undefined ? Number(new URL(databaseUrlUnder(rootPid)).port) : undefined;
      try {
        measured.set(
          kind,
          await orderThroughput(
            `orders placed → Paid, ${label}`,
            origin,
            durationSeconds,
            rootPid === undefined ? undefined : { rootPid, postgresPort },
            kind === 'dapr' ? appMetricsUrlsOf(process.env.E2E_DAPR_TOPOLOGY_FILE as string) : [`${origin}/metrics`],
          ),
        );
      } finally {
        await stopTopology(kind);
      }
    }
    rates.push(...measured.values());
    printRates('Completed orders (placed → Paid) over HTTP, 32 customers in a closed loop, 20 products', rates);
    // After the topologies stopped, so none of their processes share the cores with the plumbing measured.
    if (topologies.has('dapr')) {
      printDaprCeiling(await daprCeiling(durationSeconds, join(logDir, 'dapr-ceiling')), measured.get('dapr'));
    }
  }
  if (sections.has('cart')) {
    const rates = await cartThroughput(durationSeconds, join(logDir, 'cart'));
    printRates(
      'Carts in the embedded topology (32 concurrent clients, 32 carts), next to a bare state-store write',
      rates,
    );
  }
  if (sections.has('hub')) await hubSection(durationSeconds, join(logDir, 'hub'));
  else if (sections.has('hub-fan-out')) await hubFanOutSection(durationSeconds, join(logDir, 'hub'));
  if (sections.has('notifications')) {
    const rates = await notificationThroughput(durationSeconds, join(logDir, 'notifications'));
    printRates('Emails per second to a local SMTP server (a forked smtp-server that accepts everything)', rates);
  }
  if (sections.has('analytics')) {
    const rates = await analyticsReads(durationSeconds, join(logDir, 'analytics'));
    printRates(
      'Analytics reads with 100,000 orders in the read model (the application handlers on the database)',
      rates,
    );
  }
  if (sections.has('recommendations')) {
    printQuality(
      'Recommendations offline: a generated log of 30,000 orders (bundles, a seasonal change, popular items), the last 20% of its time held out',
      await recommendationsOffline(),
    );
    printRates(
      'Recommendation reads in the embedded topology (32 and 4 concurrent clients), next to the edge and a catalog read',
      await recommendationReads(durationSeconds),
    );
  }
  // Quality, not a rate: a fixed generated stream, so BENCH_SECONDS does not apply.
  if (sections.has('fraud')) printFraudScoring(await fraudScoring());
}

/**
 * BENCH_CPU_PROF=<dir>: the topology's first Node process (the whole embedded platform; start-dapr in the Dapr
 * topology) writes a V8 CPU profile there when it stops (`node --cpu-prof`; open it in Chrome DevTools or
 * summarise it with `npx tsx bench/cpu-profile.ts <file>`).
 */
function profiling(kind: TopologyKind): string[] {
  const dir = process.env.BENCH_CPU_PROF;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${join(resolve(dir), kind)}`] : [];
}

function printRates(title: string, rates: RateResult[]): void {
  const [baseline] = rates;
  console.log(`\n## ${title}\n`);
  console.log('| what | per second | p50 ms | p99 ms | ratio to baseline | notes |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rates) {
    const ratio = baseline ? (r.perSecond / baseline.perSecond).toFixed(2) : '-';
    console.log(
      `| ${r.name} | ${r.perSecond} | ${r.p50Ms.toFixed(1)} | ${r.p99Ms.toFixed(1)} | ${ratio} | ${r.note} |`,
    );
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
