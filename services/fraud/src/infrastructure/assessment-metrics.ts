import { Counter, Histogram, type Registry } from 'prom-client';
import type { AssessmentObserver } from '../application/ports';

/**
 * The scorer's figures on /metrics:
 * - `fraud_assessments_total{outcome}`: new assessments, `held` (at or above FRAUD_REVIEW_SCORE) or `passed`;
 * - `fraud_assessment_score`: the scores, in steps of 10 (the review score's neighbourhood is what to watch);
 * - `fraud_scoring_duration_seconds`: the scoring itself (signals and score, no database), whose p99 the design
 *   bounds at 2 ms.
 */
export function assessmentMetrics(registry: Registry): AssessmentObserver {
  const assessments = new Counter({
    name: 'fraud_assessments_total',
    help: 'Orders assessed, by outcome (held: at or above the review score)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const scores = new Histogram({
    name: 'fraud_assessment_score',
    help: 'Risk scores of assessed orders (0..100)',
    buckets: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100],
    registers: [registry],
  });
  const durations = new Histogram({
    name: 'fraud_scoring_duration_seconds',
    help: "Time to compute an order's signals and score (no database reads)",
    buckets: [0.000_01, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002, 0.005, 0.01],
    registers: [registry],
  });
  return {
    assessed(score, scoringSeconds) {
      assessments.inc({ outcome: score.held ? 'held' : 'passed' });
      scores.observe(score.score);
      durations.observe(scoringSeconds);
    },
  };
}

/** `fraud_declines_unmapped_total`: declines of orders the service never assessed (ignored, see recordDecline). */
export function unmappedDeclines(registry: Registry): () => void {
  const counter = new Counter({
    name: 'fraud_declines_unmapped_total',
    help: 'Declined payments of orders without an assessment (placed while the scorer did not answer), ignored',
    registers: [registry],
  });
  return () => counter.inc();
}
