import { contractRuleBounds, type ReviewThresholds, type RiskReason } from '@shop/contracts';
import type { OrderSignals } from './signals';
import { defaultWeights, type ScoredSignal, type ScoringWeights, type Step } from './weights';

export interface OrderScore {
  /** 0..100, inside the contract's bounds. */
  score: number;
  /** The contract's rules that bound the score first, then the soft signals, most points first. */
  reasons: RiskReason[];
  /** Each soft signal that scored, with its points (for logs and the benchmark; not in the answer). */
  signals: ScoredSignal[];
  /** Held: at or above the review score. */
  held: boolean;
}

function stepPoints(steps: Step[], value: number | null): number {
  if (value === null) return 0;
  let points = 0;
  for (const step of steps) if (value >= step.atLeast) points = Math.max(points, step.points);
  return points;
}

function accountAgePoints(weights: ScoringWeights, ageMinutes: number | null): number {
  if (ageMinutes === null) return weights.unknownAccountAge;
  let points = 0;
  for (const step of weights.newAccount) if (ageMinutes < step.under) points = Math.max(points, step.points);
  return points;
}

/** The soft signals' points; a signal worth nothing is left out. */
export function softSignals(signals: OrderSignals, weights: ScoringWeights = defaultWeights): ScoredSignal[] {
  const scored: ScoredSignal[] = [
    { reason: 'customer-velocity', points: stepPoints(weights.customerVelocity, signals.customerOrdersInWindow) },
    { reason: 'card-velocity', points: stepPoints(weights.cardVelocity, signals.cardOrdersInWindow) },
    {
      reason: 'amount-unusual-for-customer',
      points: stepPoints(weights.amountForCustomer, signals.amountZForCustomer),
    },
    { reason: 'amount-unusual-for-shop', points: stepPoints(weights.amountForShop, signals.shopAmountPercentile) },
    { reason: 'new-account', points: accountAgePoints(weights, signals.accountAgeMinutes) },
    { reason: 'recent-declines', points: stepPoints(weights.customerDeclines, signals.customerDeclinesInWindow) },
    { reason: 'card-declines', points: stepPoints(weights.cardDeclines, signals.cardDeclinesInWindow) },
    { reason: 'country-mismatch', points: signals.countryMismatch ? weights.countryMismatch : 0 },
    { reason: 'many-units', points: stepPoints(weights.manyUnits, signals.units) },
  ];
  // Stable: equal points keep the table's order, so the same order always lists the same reasons.
  return scored.filter((signal) => signal.points > 0).sort((a, b) => b.points - a.points);
}

/**
 * The order's risk: the soft signals' points summed and clamped to 0..100, then clamped into the bounds of the
 * contract's rules (a rule that holds lifts it to the hold score; the contract's safe harbour caps it below the
 * review score). A pure function of the signals and thresholds: the same order always scores the same.
 */
export function scoreOrder(
  signals: OrderSignals,
  thresholds: ReviewThresholds,
  weights: ScoringWeights = defaultWeights,
): OrderScore {
  const soft = softSignals(signals, weights);
  const sum = soft.reduce((total, signal) => total + signal.points, 0);
  const bounds = contractRuleBounds(
    {
      total: signals.total,
      priorOrdersInWindow: signals.customerOrdersInWindow,
      declinesInWindow: signals.customerDeclinesInWindow,
    },
    thresholds,
  );
  const score = Math.min(bounds.ceiling, Math.max(bounds.floor, Math.min(100, Math.max(0, sum))));
  const reasons = [...bounds.reasons];
  for (const signal of soft) if (!reasons.includes(signal.reason)) reasons.push(signal.reason);
  return { score, reasons, signals: soft, held: score >= thresholds.reviewScore };
}
