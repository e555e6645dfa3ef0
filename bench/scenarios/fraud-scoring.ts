// The fraud scorer on a generated stream with planted fraud (fraud-stream.ts): every event goes through the fraud
// service's own handlers on a real SQLite database (the feature reads are its indexed queries, the scoring its
// pure domain), and the holds at the default threshold are compared with the labels. The baseline, in the same run
// on the same reads: the contract's rules alone (contractRuleBounds), which is what orders applies when the scorer
// is down.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contractRuleBounds, defaultReviewThresholds, type ReviewThresholds } from '@shop/contracts';
import { createLogger, openDataSource, transaction } from '@shop/kit';
import type { DataSource } from 'typeorm';
import { assessOrder } from '../../services/fraud/src/application/assess-order';
import {
  recordDecline,
  recordPaidOrder,
  recordRegistration,
} from '../../services/fraud/src/application/learn-from-events';
import type { FraudDeps } from '../../services/fraud/src/application/ports';
import { defaultWeights } from '../../services/fraud/src/domain/weights';
import { fraudEntities } from '../../services/fraud/src/infrastructure/entities';
import { fraudMigrations } from '../../services/fraud/src/infrastructure/migrations';
import {
  fraudStoreOf,
  typeormReads,
  typeormUnitOfWork,
} from '../../services/fraud/src/infrastructure/typeorm-fraud-store';
import { benchStream, generateStream, type Pattern, type StreamEvent, type StreamOptions } from './fraud-stream';
import { percentile } from './rates';

export interface HoldQuality {
  name: string;
  held: number;
  /** Held and fraud, over held. */
  precision: number;
  /** Held and fraud, over fraud. */
  recall: number;
  /** Held among the orders of each pattern (for `normal`: the false-positive rate). */
  heldShare: Record<Pattern, number>;
}

export interface FraudScoringResult {
  orders: number;
  frauds: number;
  model: HoldQuality;
  rulesOnly: HoldQuality;
  /** Signals and score of one order (pure, no I/O), milliseconds. */
  scoringP50Ms: number;
  scoringP99Ms: number;
  /** The whole assessment of one order: its reads, scoring and writes on SQLite, CPU milliseconds of this process. */
  assessmentCpuP50Ms: number;
  assessmentCpuP99Ms: number;
}

const patterns: Pattern[] = ['normal', 'card-testing', 'account-takeover', 'velocity-burst'];

function quality(name: string, outcomes: Array<{ pattern: Pattern; fraud: boolean; held: boolean }>): HoldQuality {
  const held = outcomes.filter((o) => o.held);
  const caught = held.filter((o) => o.fraud).length;
  const frauds = outcomes.filter((o) => o.fraud).length;
  const heldShare = Object.fromEntries(
    patterns.map((pattern) => {
      const of = outcomes.filter((o) => o.pattern === pattern);
      return [pattern, of.length === 0 ? 0 : of.filter((o) => o.held).length / of.length];
    }),
  ) as Record<Pattern, number>;
  return {
    name,
    held: held.length,
    precision: held.length === 0 ? 0 : caught / held.length,
    recall: frauds === 0 ? 0 : caught / frauds,
    heldShare,
  };
}

/** Feeds the stream through the fraud service's handlers and judges both scorers' holds against the labels. */
export async function scoreStream(
  events: StreamEvent[],
  dataSource: DataSource,
  thresholds: ReviewThresholds = defaultReviewThresholds,
): Promise<FraudScoringResult> {
  const scoringMs: number[] = [];
  const deps: FraudDeps = {
    unitOfWork: typeormUnitOfWork(dataSource),
    read: typeormReads(dataSource),
    clock: { now: () => new Date() },
    thresholds,
    weights: defaultWeights,
    observer: { assessed: (_, seconds) => scoringMs.push(seconds * 1000) },
  };
  const ctx = { log: createLogger({ name: 'fraud-bench', level: 'fatal' }) };
  const inEvent = <T>(work: (store: ReturnType<typeof fraudStoreOf>) => Promise<T>) =>
    transaction(dataSource, (tx) => work(fraudStoreOf(tx)));
  const modelOutcomes: Array<{ pattern: Pattern; fraud: boolean; held: boolean }> = [];
  const ruleOutcomes: typeof modelOutcomes = [];
  const assessmentCpuMs: number[] = [];

  for (const event of events) {
    if (event.kind === 'registered') {
      await inEvent((store) =>
        recordRegistration(ctx, { customerId: event.customerId, registeredAt: new Date(event.at) }, { store }),
      );
    } else if (event.kind === 'paid') {
      await inEvent((store) => recordPaidOrder(ctx, event, { store }));
    } else if (event.kind === 'declined') {
      await inEvent((store) => recordDecline(ctx, { orderId: event.orderId, failedAt: new Date(event.at) }, { store }));
    } else {
      const { order } = event;
      // The baseline's facts, read through the same store as the scorer's (outside the measured part).
      const history = await deps.read((store) =>
        store.history({
          customerId: order.customerId,
          cardFingerprint: order.card.fingerprint,
          currency: order.total.currency,
          from: new Date(event.at - thresholds.windowMinutes * 60_000),
          to: new Date(event.at),
          orderId: order.orderId,
        }),
      );
      const bounds = contractRuleBounds(
        {
          total: order.total,
          priorOrdersInWindow: history.customerOrdersInWindow,
          declinesInWindow: history.customerDeclinesInWindow,
        },
        thresholds,
      );
      ruleOutcomes.push({ pattern: event.pattern, fraud: event.fraud, held: bounds.floor >= thresholds.reviewScore });

      const cpuBefore = process.cpuUsage();
      const result = await assessOrder(ctx, order, deps);
      const cpu = process.cpuUsage(cpuBefore);
      assessmentCpuMs.push((cpu.user + cpu.system) / 1000);
      modelOutcomes.push({
        pattern: event.pattern,
        fraud: event.fraud,
        held: result.assessment.score >= thresholds.reviewScore,
      });
    }
  }
  scoringMs.sort((a, b) => a - b);
  assessmentCpuMs.sort((a, b) => a - b);
  return {
    orders: modelOutcomes.length,
    frauds: modelOutcomes.filter((o) => o.fraud).length,
    model: quality('the scorer (signals within the rules)', modelOutcomes),
    rulesOnly: quality("the contract's rules alone", ruleOutcomes),
    scoringP50Ms: percentile(scoringMs, 0.5),
    scoringP99Ms: percentile(scoringMs, 0.99),
    assessmentCpuP50Ms: percentile(assessmentCpuMs, 0.5),
    assessmentCpuP99Ms: percentile(assessmentCpuMs, 0.99),
  };
}

export async function openBenchDatabase(): Promise<DataSource> {
  const file = join(mkdtempSync(join(tmpdir(), 'fraud-bench-')), 'fraud.sqlite');
  return openDataSource(`sqlite:${file}`, { entities: fraudEntities, migrations: fraudMigrations, lockName: 'fraud' });
}

/** The benchmark's section: the generated stream scored at the default threshold, next to the rules alone. */
export async function fraudScoring(options: StreamOptions = benchStream): Promise<FraudScoringResult> {
  const dataSource = await openBenchDatabase();
  try {
    return await scoreStream(generateStream(options), dataSource);
  } finally {
    await dataSource.destroy();
  }
}

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

export function printFraudScoring(result: FraudScoringResult): void {
  const { model, rulesOnly } = result;
  console.log(
    `\n## Fraud scoring: ${result.orders} generated orders, ${result.frauds} of them planted fraud, FRAUD_REVIEW_SCORE 70\n`,
  );
  console.log(
    '| scorer | held | precision | recall | recall ratio to the rules | card testing held | account takeover held | velocity bursts held | normal orders held |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const q of [rulesOnly, model]) {
    const ratio = rulesOnly.recall === 0 ? '∞' : (q.recall / rulesOnly.recall).toFixed(2);
    console.log(
      `| ${q.name} | ${q.held} | ${percent(q.precision)} | ${percent(q.recall)} | ${ratio} | ${percent(q.heldShare['card-testing'])} | ${percent(q.heldShare['account-takeover'])} | ${percent(q.heldShare['velocity-burst'])} | ${percent(q.heldShare.normal)} |`,
    );
  }
  console.log('\n| per order | p50 ms | p99 ms | goal |');
  console.log('|---|---|---|---|');
  console.log(
    `| scoring (signals and score, pure) | ${result.scoringP50Ms.toFixed(4)} | ${result.scoringP99Ms.toFixed(4)} | p99 ≤ 2 ms |`,
  );
  console.log(
    `| whole assessment, CPU (7 indexed reads, scoring, 2 writes on SQLite) | ${result.assessmentCpuP50Ms.toFixed(3)} | ${result.assessmentCpuP99Ms.toFixed(3)} | - |`,
  );
}
